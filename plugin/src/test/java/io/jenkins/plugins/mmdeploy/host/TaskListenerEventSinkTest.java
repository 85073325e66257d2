package io.jenkins.plugins.mmdeploy.host;

import static org.assertj.core.api.Assertions.assertThat;

import hudson.model.TaskListener;
import io.mmdeploy.engine.port.LogEvent;
import io.mmdeploy.engine.port.SecretMask;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class TaskListenerEventSinkTest {
    private final ByteArrayOutputStream log = new ByteArrayOutputStream();
    private final PrintStream logger = new PrintStream(log, true, StandardCharsets.UTF_8);
    private final TaskListener listener = () -> logger;

    @Test
    void everySecretTheStepMetIsMaskedInTheBuildLog() {
        SecretMask mask = new SecretMask();
        TaskListenerEventSink sink = new TaskListenerEventSink(listener, mask);
        mask.add("ya29.token-value");

        sink.emit(new LogEvent(LogEvent.Level.INFO, "migrations", "using token ya29.token-value for the job"));
        sink.emit(new LogEvent(LogEvent.Level.ERROR, "ya29.token-value", "stage names are masked too"));

        String text = log.toString(StandardCharsets.UTF_8);
        assertThat(text).doesNotContain("ya29.token-value")
                .contains("[migrations] using token **** for the job")
                .contains("[****] ERROR: stage names are masked too");
    }

    @Test
    void debugEventsStayOutOfTheBuildLog() {
        TaskListenerEventSink sink = new TaskListenerEventSink(listener, new SecretMask());

        sink.emit(new LogEvent(LogEvent.Level.DEBUG, "plan", "internal detail"));
        sink.emit(new LogEvent(LogEvent.Level.WARN, "plan", "drift found"));

        assertThat(log.toString(StandardCharsets.UTF_8)).isEqualTo("[plan] WARNING: drift found" + System.lineSeparator());
    }
}
