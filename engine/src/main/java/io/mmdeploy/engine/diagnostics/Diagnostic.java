package io.mmdeploy.engine.diagnostics;

import java.util.Objects;

/**
 * One problem, told the way OpenTofu tells its diagnostics: a one-line summary, then a detail that
 * names the file, the field and what was expected.
 *
 * @param severity error or warning
 * @param summary one line, no trailing period
 * @param detail what was found and what was expected; may be empty
 * @param position where it is; {@code null} when the problem is not in a file
 * @param field the field path inside the file (e.g. {@code services[2].name}); may be empty
 */
public record Diagnostic(Severity severity, String summary, String detail, SourcePosition position, String field) {

    public Diagnostic {
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(summary, "summary");
        detail = detail == null ? "" : detail;
        field = field == null ? "" : field;
    }

    public static Diagnostic error(String summary, String detail) {
        return new Diagnostic(Severity.ERROR, summary, detail, null, "");
    }

    public static Diagnostic warning(String summary, String detail) {
        return new Diagnostic(Severity.WARNING, summary, detail, null, "");
    }

    public boolean isError() {
        return severity == Severity.ERROR;
    }

    /** Renders as {@code Error: summary\n  on file:line:col, field x\n  detail}. */
    public String render() {
        StringBuilder out = new StringBuilder();
        out.append(severity == Severity.ERROR ? "Error: " : "Warning: ").append(summary);
        if (position != null || !field.isEmpty()) {
            out.append("\n  on ");
            if (position != null) {
                out.append(position.render());
            }
            if (!field.isEmpty()) {
                out.append(position != null ? ", field " : "field ").append(field);
            }
        }
        if (!detail.isEmpty()) {
            for (String line : detail.split("\n", -1)) {
                out.append("\n  ").append(line);
            }
        }
        return out.toString();
    }
}
