package io.mmdeploy.engine.tofu;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mmdeploy.engine.diagnostics.Diagnostic;
import io.mmdeploy.engine.diagnostics.Severity;
import io.mmdeploy.engine.diagnostics.SourcePosition;
import io.mmdeploy.engine.port.StageLog;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.Consumer;

/**
 * Reads tofu's output line by line as it comes: the {@code -json} UI stream (tofu-cli.md §2.1) becomes log
 * lines (each message's {@code @message}) and diagnostics; any other line is logged as it is. When
 * {@code quiet}, nothing is logged (for output that holds values in clear text) and only diagnostics and
 * the tail are kept.
 */
final class UiStream implements Consumer<String> {
    private static final int TAIL_LINES = 20;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final StageLog log;
    private final boolean quiet;
    private final List<Diagnostic> diagnostics = new ArrayList<>();
    private final Deque<String> tail = new ArrayDeque<>();

    UiStream(StageLog log, boolean quiet) {
        this.log = log;
        this.quiet = quiet;
    }

    @Override
    public synchronized void accept(String line) {
        JsonNode message = parse(line);
        if (message == null) {
            if (!line.isBlank() && !quiet) {
                log.info(line.stripTrailing());
            }
            if (!line.isBlank()) {
                tail.addLast(line.stripTrailing());
                if (tail.size() > TAIL_LINES) {
                    tail.removeFirst();
                }
            }
            return;
        }
        String type = message.path("type").asText("");
        if (type.equals("diagnostic")) {
            Diagnostic d = diagnostic(message.path("diagnostic"));
            diagnostics.add(d);
            if (!d.isError() && !quiet) {
                log.warn(d.summary() + (d.detail().isEmpty() ? "" : ": " + d.detail().lines().findFirst().orElse("")));
            }
        } else if (!quiet) {
            String text = message.path("@message").asText("");
            if (type.equals("version")) {
                log.debug(text);
            } else if (!text.isEmpty()) {
                log.info(text);
            }
        }
    }

    synchronized List<Diagnostic> errors() {
        return diagnostics.stream().filter(Diagnostic::isError).toList();
    }

    synchronized List<String> tail() {
        return List.copyOf(tail);
    }

    private static JsonNode parse(String line) {
        String t = line.strip();
        if (!t.startsWith("{") || !t.endsWith("}")) {
            return null;
        }
        try {
            JsonNode node = JSON.readTree(t);
            return node.has("@message") ? node : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static Diagnostic diagnostic(JsonNode d) {
        Severity severity = d.path("severity").asText().equals("error") ? Severity.ERROR : Severity.WARNING;
        JsonNode range = d.path("range");
        SourcePosition position = range.has("filename")
                ? new SourcePosition(range.path("filename").asText(), range.path("start").path("line").asInt(),
                        range.path("start").path("column").asInt())
                : null;
        return new Diagnostic(severity, d.path("summary").asText(), d.path("detail").asText(""), position,
                d.path("address").asText(""));
    }

    /**
     * Diagnostics in tofu's human format ({@code show -json} and {@code output -json} print errors that way):
     * an {@code Error:}/{@code Warning:} line, then its detail, in or out of the box-drawing frame.
     */
    static List<Diagnostic> human(String text) {
        List<Diagnostic> out = new ArrayList<>();
        Severity severity = null;
        String summary = null;
        StringBuilder detail = new StringBuilder();
        for (String raw : (text + "\n").split("\\R")) {
            String line = raw.replaceFirst("^[\u2577\u2575]\\s*$", "").replaceFirst("^\u2502 ?", "");
            boolean error = line.startsWith("Error: ");
            if (error || line.startsWith("Warning: ") || raw.startsWith("\u2575")) {
                if (summary != null) {
                    out.add(new Diagnostic(severity, summary, detail.toString().strip(), null, ""));
                    summary = null;
                }
                if (!raw.startsWith("\u2575")) {
                    severity = error ? Severity.ERROR : Severity.WARNING;
                    summary = line.substring(line.indexOf(": ") + 2).strip();
                    detail.setLength(0);
                }
            } else if (summary != null) {
                detail.append(line).append('\n');
            }
        }
        if (summary != null) {
            out.add(new Diagnostic(severity, summary, detail.toString().strip(), null, ""));
        }
        return out;
    }
}
