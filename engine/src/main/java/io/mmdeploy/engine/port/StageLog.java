package io.mmdeploy.engine.port;

/** A stage's voice: emits {@link LogEvent}s tagged with the stage name. */
public final class StageLog {
    private final EventSink sink;
    private final String stage;

    public StageLog(EventSink sink, String stage) {
        this.sink = sink;
        this.stage = stage;
    }

    public StageLog forStage(String other) {
        return new StageLog(sink, other);
    }

    public void info(String message) {
        sink.emit(new LogEvent(LogEvent.Level.INFO, stage, message));
    }

    public void warn(String message) {
        sink.emit(new LogEvent(LogEvent.Level.WARN, stage, message));
    }

    public void error(String message) {
        sink.emit(new LogEvent(LogEvent.Level.ERROR, stage, message));
    }

    public void debug(String message) {
        sink.emit(new LogEvent(LogEvent.Level.DEBUG, stage, message));
    }
}
