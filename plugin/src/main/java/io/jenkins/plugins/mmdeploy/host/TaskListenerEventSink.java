package io.jenkins.plugins.mmdeploy.host;

import hudson.model.TaskListener;
import io.mmdeploy.engine.port.EventSink;
import io.mmdeploy.engine.port.LogEvent;
import io.mmdeploy.engine.port.SecretMask;
import java.io.PrintStream;

/**
 * The engine's log events as lines of the build log. Every line passes the run's {@link SecretMask} here, at the
 * last step before Jenkins, so no stage can forget it.
 */
public final class TaskListenerEventSink implements EventSink {
    private final PrintStream log;
    private final SecretMask mask;

    public TaskListenerEventSink(TaskListener listener, SecretMask mask) {
        this.log = listener.getLogger();
        this.mask = mask;
    }

    @Override
    public void emit(LogEvent event) {
        // DEBUG events are for the CLI's --verbose; a build log shows what a person acts on.
        if (event.level() != LogEvent.Level.DEBUG) {
            log.println(mask.mask(event.render()));
        }
    }
}
