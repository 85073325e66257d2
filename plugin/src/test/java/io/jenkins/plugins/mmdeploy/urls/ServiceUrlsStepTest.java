package io.jenkins.plugins.mmdeploy.urls;

import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.mmdeploy.host.RecordingStages;
import io.jenkins.plugins.mmdeploy.host.StageContext;
import org.junit.jupiter.api.Test;

class ServiceUrlsStepTest {
    private final StageContext stage = new StageContext(null, null, null, null);

    @Test
    void takesOnlyTheEnvironment() throws Exception {
        RecordingStages stages = new RecordingStages();
        new ServiceUrlsStep("production").call(stages, stage);

        assertThat(stages.calls).containsExactly("serviceUrls", stage);
        assertThat(new ServiceUrlsStep.DescriptorImpl().getFunctionName()).isEqualTo("mmServiceUrls");
    }
}
