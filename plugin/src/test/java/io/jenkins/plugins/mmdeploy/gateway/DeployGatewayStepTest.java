package io.jenkins.plugins.mmdeploy.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.mmdeploy.host.RecordingStages;
import io.jenkins.plugins.mmdeploy.host.StageContext;
import org.junit.jupiter.api.Test;

class DeployGatewayStepTest {
    private final StageContext stage = new StageContext(null, null, null, null);

    @Test
    void mapsPlanOnlyAndTheApprovedPlan() throws Exception {
        RecordingStages stages = new RecordingStages();
        DeployGatewayStep step = new DeployGatewayStep("production");
        new DeployGatewayStep("staging").call(stages, stage);
        step.setPlanOnly(true);
        step.setApprovedPlanHash("h1");
        step.call(stages, stage);

        assertThat(stages.calls).containsExactly("deployGateway", stage, false, null, "deployGateway", stage, true, "h1");
        assertThat(new DeployGatewayStep.DescriptorImpl().getFunctionName()).isEqualTo("mmDeployGateway");
    }
}
