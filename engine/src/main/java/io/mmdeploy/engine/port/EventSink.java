package io.mmdeploy.engine.port;

/** Where the engine's {@link LogEvent}s go. Wrap any sink in {@link MaskingEventSink} before use. */
@FunctionalInterface
public interface EventSink {
    void emit(LogEvent event);
}
