package io.jenkins.plugins.mmdeploy.smoke;

import static org.assertj.core.api.Assertions.assertThat;

import io.mmdeploy.engine.steps.StepRequest;
import org.junit.jupiter.api.Test;

class SmokeTestStepTest {
    @Test
    void takesOnlyTheEnvironment() throws Exception {
        assertThat(new SmokeTestStep("staging").request()).isEqualTo(new StepRequest.SmokeTest("staging"));
        assertThat(new SmokeTestStep.DescriptorImpl().getFunctionName()).isEqualTo("mmSmokeTest");
    }
}
