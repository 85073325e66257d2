package io.jenkins.plugins.mmdeploy.release;

import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.mmdeploy.host.RecordingStages;
import io.jenkins.plugins.mmdeploy.host.StageContext;
import org.junit.jupiter.api.Test;

class ReleaseStepTest {
    private final StageContext stage = new StageContext(null, null, null, null);

    @Test
    void phaseAndResultAreRequiredAndFailedPhaseOptional() throws Exception {
        RecordingStages stages = new RecordingStages();
        ReleaseStep step = new ReleaseStep("production", "finish", "FAILED");
        step.setFailedPhase("migrations");
        step.call(stages, stage);
        new ReleaseStep("staging", "start", "SUCCEEDED").call(stages, stage);

        assertThat(stages.calls).containsExactly(
                "release", stage, "finish", "FAILED", "migrations", "release", stage, "start", "SUCCEEDED", null);
        assertThat(step.getPhase()).isEqualTo("finish");
        assertThat(step.getResult()).isEqualTo("FAILED");
        assertThat(new ReleaseStep.DescriptorImpl().getFunctionName()).isEqualTo("mmRelease");
    }
}
