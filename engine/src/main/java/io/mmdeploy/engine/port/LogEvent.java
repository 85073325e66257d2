package io.mmdeploy.engine.port;

import java.util.Objects;

/**
 * One thing worth telling the person watching a deploy. The engine never prints: it emits events, and
 * the host (Jenkins log, terminal) decides how to show them.
 *
 * @param level how it should be shown
 * @param stage the stage that speaks (e.g. {@code build-images}); "" for none
 * @param message one line, already masked by the time a host sees it
 */
public record LogEvent(Level level, String stage, String message) {

    public enum Level {
        DEBUG,
        INFO,
        WARN,
        ERROR
    }

    public LogEvent {
        Objects.requireNonNull(level, "level");
        stage = stage == null ? "" : stage;
        message = message == null ? "" : message;
    }

    /** {@code [stage] message}, with a WARNING/ERROR prefix when it is one. */
    public String render() {
        String prefix = switch (level) {
            case WARN -> "WARNING: ";
            case ERROR -> "ERROR: ";
            default -> "";
        };
        return (stage.isEmpty() ? "" : "[" + stage + "] ") + prefix + message;
    }
}
