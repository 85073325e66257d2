package io.jenkins.plugins.mmdeploy.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.mmdeploy.host.RecordingStages;
import java.util.List;
import org.junit.jupiter.api.Test;

class HealthCheckStepTest {
    @Test
    void checksAllByDefaultOrTheNamedServices() throws Exception {
        RecordingStages stages = new RecordingStages();
        HealthCheckStep step = new HealthCheckStep("staging");
        step.call(stages);
        step.setServices(List.of("mesh"));
        step.call(stages);

        assertThat(stages.calls).containsExactly("healthCheck", "staging", null, "healthCheck", "staging", List.of("mesh"));
        assertThat(new HealthCheckStep.DescriptorImpl().getFunctionName()).isEqualTo("mmHealthCheck");
    }
}
