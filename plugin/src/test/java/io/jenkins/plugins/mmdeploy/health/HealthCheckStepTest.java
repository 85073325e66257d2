package io.jenkins.plugins.mmdeploy.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.mmdeploy.host.RecordingStages;
import io.jenkins.plugins.mmdeploy.host.StageContext;
import java.util.List;
import org.junit.jupiter.api.Test;

class HealthCheckStepTest {
    private final StageContext stage = new StageContext(null, null, null, null);

    @Test
    void checksAllByDefaultOrTheNamedServices() throws Exception {
        RecordingStages stages = new RecordingStages();
        HealthCheckStep step = new HealthCheckStep("staging");
        step.call(stages, stage);
        step.setServices(List.of("mesh"));
        step.call(stages, stage);

        assertThat(stages.calls).containsExactly("healthCheck", stage, null, "healthCheck", stage, List.of("mesh"));
        assertThat(new HealthCheckStep.DescriptorImpl().getFunctionName()).isEqualTo("mmHealthCheck");
    }
}
