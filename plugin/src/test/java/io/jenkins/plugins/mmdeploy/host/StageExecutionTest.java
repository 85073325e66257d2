package io.jenkins.plugins.mmdeploy.host;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class StageExecutionTest {
    @Test
    void aStepCutByARestartSaysWhatWasRunningAndWhatToRunToContinue() {
        String message = StageExecution.restartMessage("mmApplyTofu for production");

        assertThat(message).startsWith("mmApplyTofu for production was running when Jenkins restarted")
                .contains("run this job again for the same commit", "mmPreflight continues the unfinished release",
                        "keeps every phase that succeeded");
    }
}
