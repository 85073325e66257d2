package io.jenkins.plugins.mmdeploy.urls;

import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.mmdeploy.host.RecordingStages;
import org.junit.jupiter.api.Test;

class ServiceUrlsStepTest {
    @Test
    void takesOnlyTheEnvironment() throws Exception {
        RecordingStages stages = new RecordingStages();
        new ServiceUrlsStep("production").call(stages);

        assertThat(stages.calls).containsExactly("serviceUrls", "production");
        assertThat(new ServiceUrlsStep.DescriptorImpl().getFunctionName()).isEqualTo("mmServiceUrls");
    }
}
