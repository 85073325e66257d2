package io.jenkins.plugins.mmdeploy.tofu;

import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.mmdeploy.host.RecordingStages;
import io.jenkins.plugins.mmdeploy.host.StageContext;
import org.junit.jupiter.api.Test;

class ApplyTofuStepTest {
    private final StageContext stage = new StageContext(null, null, null, null);

    @Test
    void plansAndAppliesTheWholeConfigurationByDefault() throws Exception {
        RecordingStages stages = new RecordingStages();
        new ApplyTofuStep("staging").call(stages, stage);
        assertThat(stages.calls).containsExactly("applyTofu", stage, null, false, null);
    }

    @Test
    void targetPlanOnlyAndApprovedHashReachTheEngine() throws Exception {
        RecordingStages stages = new RecordingStages();
        ApplyTofuStep step = new ApplyTofuStep("production");
        step.setTarget("google_cloud_run_v2_service.gateway");
        step.setPlanOnly(true);
        step.setApprovedPlanHash(" sha256:abc ");

        step.call(stages, stage);

        assertThat(stages.calls).containsExactly("applyTofu", stage, "google_cloud_run_v2_service.gateway", true, "sha256:abc");
        assertThat(step.isPlanOnly()).isTrue();
        step.setApprovedPlanHash(" ");
        assertThat(step.getApprovedPlanHash()).isNull();
        assertThat(new ApplyTofuStep.DescriptorImpl().getFunctionName()).isEqualTo("mmApplyTofu");
    }
}
