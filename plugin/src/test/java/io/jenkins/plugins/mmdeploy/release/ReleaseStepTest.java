package io.jenkins.plugins.mmdeploy.release;

import static org.assertj.core.api.Assertions.assertThat;

import io.mmdeploy.engine.steps.StepRequest;
import org.junit.jupiter.api.Test;

class ReleaseStepTest {
    @Test
    void phaseAndResultAreRequiredFailedPhaseAndKindOptional() throws Exception {
        ReleaseStep step = new ReleaseStep("production", "finish", "FAILED");
        step.setFailedPhase("migrations");
        ReleaseStep start = new ReleaseStep("staging", "start", null);
        start.setKind(" rollback ");

        assertThat(step.request()).isEqualTo(new StepRequest.Release("production", "finish", "FAILED", "migrations", "deploy"));
        assertThat(start.request()).isEqualTo(new StepRequest.Release("staging", "start", null, null, "rollback"));
        start.setKind("");
        assertThat(step.getPhase()).isEqualTo("finish");
        assertThat(step.getResult()).isEqualTo("FAILED");
        assertThat(start.getKind()).isEqualTo("deploy");
        assertThat(new ReleaseStep.DescriptorImpl().getFunctionName()).isEqualTo("mmRelease");
    }
}
