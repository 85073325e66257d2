package io.jenkins.plugins.mmdeploy.tofu;

import static org.assertj.core.api.Assertions.assertThat;

import io.mmdeploy.engine.steps.StepRequest;
import org.junit.jupiter.api.Test;

class ApplyTofuStepTest {
    @Test
    void plansAndAppliesTheWholeConfigurationByDefault() throws Exception {
        assertThat(new ApplyTofuStep("staging").request()).isEqualTo(new StepRequest.ApplyTofu("staging", null, false, null));
    }

    @Test
    void targetPlanOnlyAndApprovedHashReachTheEngine() throws Exception {
        ApplyTofuStep step = new ApplyTofuStep("production");
        step.setTarget("google_cloud_run_v2_service.gateway");
        step.setPlanOnly(true);
        step.setApprovedPlanHash(" sha256:abc ");

        assertThat(step.request())
                .isEqualTo(new StepRequest.ApplyTofu("production", "google_cloud_run_v2_service.gateway", true, "sha256:abc"));
        assertThat(step.isPlanOnly()).isTrue();
        step.setApprovedPlanHash(" ");
        assertThat(step.getApprovedPlanHash()).isNull();
        assertThat(new ApplyTofuStep.DescriptorImpl().getFunctionName()).isEqualTo("mmApplyTofu");
    }
}
