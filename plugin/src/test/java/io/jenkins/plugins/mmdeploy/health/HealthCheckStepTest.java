package io.jenkins.plugins.mmdeploy.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.mmdeploy.engine.steps.StepRequest;
import java.util.List;
import org.junit.jupiter.api.Test;

class HealthCheckStepTest {
    @Test
    void checksAllByDefaultOrTheNamedServices() throws Exception {
        HealthCheckStep step = new HealthCheckStep("staging");
        assertThat(step.request()).isEqualTo(new StepRequest.HealthCheck("staging", null));
        step.setServices(List.of("mesh"));
        assertThat(step.request()).isEqualTo(new StepRequest.HealthCheck("staging", List.of("mesh")));
        assertThat(new HealthCheckStep.DescriptorImpl().getFunctionName()).isEqualTo("mmHealthCheck");
    }
}
