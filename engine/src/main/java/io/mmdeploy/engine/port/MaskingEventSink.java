package io.mmdeploy.engine.port;

/** Masks every message with the run's {@link SecretMask} before it reaches the host's sink. */
public final class MaskingEventSink implements EventSink {
    private final EventSink delegate;
    private final SecretMask mask;

    public MaskingEventSink(EventSink delegate, SecretMask mask) {
        this.delegate = delegate;
        this.mask = mask;
    }

    @Override
    public void emit(LogEvent event) {
        delegate.emit(new LogEvent(event.level(), event.stage(), mask.mask(event.message())));
    }
}
