package io.jenkins.plugins.mmdeploy.host;

import io.mmdeploy.engine.port.SecretMask;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * One output stream of a process, cut into lines: each line is masked, handed to the listener as it completes, and
 * kept for the {@code CommandResult}.
 */
final class LineSink extends OutputStream {
    private final SecretMask mask;
    private final Consumer<String> onLine;
    private final StringBuilder text = new StringBuilder();
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();

    LineSink(SecretMask mask, Consumer<String> onLine) {
        this.mask = mask;
        this.onLine = onLine;
    }

    @Override
    public synchronized void write(int b) {
        if (b == '\n') {
            flushLine();
        } else {
            line.write(b);
        }
    }

    @Override
    public synchronized void write(byte[] bytes, int off, int len) {
        for (int i = off; i < off + len; i++) {
            write(bytes[i]);
        }
    }

    /** Emits a last line that had no newline. */
    @Override
    public synchronized void close() {
        if (line.size() > 0) {
            flushLine();
        }
    }

    synchronized String text() {
        return text.toString();
    }

    private void flushLine() {
        String raw = line.toString(StandardCharsets.UTF_8);
        line.reset();
        if (raw.endsWith("\r")) {
            raw = raw.substring(0, raw.length() - 1);
        }
        String masked = mask.mask(raw);
        text.append(masked).append('\n');
        onLine.accept(masked);
    }
}
