package io.jenkins.plugins.mmdeploy.release;

import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.mmdeploy.host.RecordingStages;
import org.junit.jupiter.api.Test;

class ReleaseStepTest {
    @Test
    void phaseAndResultAreRequiredFailedPhaseAndKindOptional() throws Exception {
        RecordingStages stages = new RecordingStages();
        ReleaseStep step = new ReleaseStep("production", "finish", "FAILED");
        step.setFailedPhase("migrations");
        step.call(stages);
        ReleaseStep start = new ReleaseStep("staging", "start", null);
        start.setKind(" rollback ");
        start.call(stages);
        start.setKind("");

        assertThat(stages.calls).containsExactly(
                "release", "production", "finish", "FAILED", "migrations", "deploy",
                "release", "staging", "start", null, null, "rollback");
        assertThat(step.getPhase()).isEqualTo("finish");
        assertThat(step.getResult()).isEqualTo("FAILED");
        assertThat(start.getKind()).isEqualTo("deploy");
        assertThat(new ReleaseStep.DescriptorImpl().getFunctionName()).isEqualTo("mmRelease");
    }
}
