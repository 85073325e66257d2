package io.jenkins.plugins.mmdeploy.urls;

import static org.assertj.core.api.Assertions.assertThat;

import io.mmdeploy.engine.steps.StepRequest;
import org.junit.jupiter.api.Test;

class ServiceUrlsStepTest {
    @Test
    void takesOnlyTheEnvironment() throws Exception {
        assertThat(new ServiceUrlsStep("production").request()).isEqualTo(new StepRequest.ServiceUrls("production"));
        assertThat(new ServiceUrlsStep.DescriptorImpl().getFunctionName()).isEqualTo("mmServiceUrls");
    }
}
