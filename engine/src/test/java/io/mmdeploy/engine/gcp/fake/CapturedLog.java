package io.mmdeploy.engine.gcp.fake;

import io.mmdeploy.engine.port.EventSink;
import io.mmdeploy.engine.port.LogEvent;
import io.mmdeploy.engine.port.MaskingEventSink;
import io.mmdeploy.engine.port.SecretMask;
import io.mmdeploy.engine.port.StageLog;
import java.util.ArrayList;
import java.util.List;

/** Every event a run emitted, after masking (what a host would show). */
public final class CapturedLog implements EventSink {
    public final SecretMask mask = new SecretMask();
    private final List<LogEvent> events = new ArrayList<>();

    @Override
    public synchronized void emit(LogEvent event) {
        events.add(event);
    }

    public StageLog stage(String stage) {
        return new StageLog(new MaskingEventSink(this, mask), stage);
    }

    public synchronized List<LogEvent> events() {
        return List.copyOf(events);
    }

    public synchronized List<String> lines() {
        return events.stream().map(LogEvent::render).toList();
    }

    public String text() {
        return String.join("\n", lines());
    }
}
