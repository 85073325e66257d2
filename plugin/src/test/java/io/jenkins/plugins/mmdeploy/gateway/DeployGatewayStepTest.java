package io.jenkins.plugins.mmdeploy.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.mmdeploy.host.RecordingStages;
import org.junit.jupiter.api.Test;

class DeployGatewayStepTest {
    @Test
    void mapsBuildOnlyPlanOnlyAndTheApprovedPlan() throws Exception {
        RecordingStages stages = new RecordingStages();
        new DeployGatewayStep("staging").call(stages);
        DeployGatewayStep build = new DeployGatewayStep("staging");
        build.setBuildOnly(true);
        build.call(stages);
        DeployGatewayStep step = new DeployGatewayStep("production");
        step.setPlanOnly(true);
        step.setApprovedPlanHash(" h1 ");
        step.call(stages);

        assertThat(stages.calls).containsExactly(
                "deployGateway", "staging", false, false, null,
                "deployGateway", "staging", true, false, null,
                "deployGateway", "production", false, true, "h1");
        assertThat(build.isBuildOnly()).isTrue();
        assertThat(new DeployGatewayStep.DescriptorImpl().getFunctionName()).isEqualTo("mmDeployGateway");
    }
}
