package io.jenkins.plugins.mmdeploy.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.mmdeploy.engine.steps.StepRequest;
import org.junit.jupiter.api.Test;

class DeployGatewayStepTest {
    @Test
    void mapsBuildOnlyPlanOnlyAndTheApprovedPlan() throws Exception {
        DeployGatewayStep build = new DeployGatewayStep("staging");
        build.setBuildOnly(true);
        DeployGatewayStep step = new DeployGatewayStep("production");
        step.setPlanOnly(true);
        step.setApprovedPlanHash(" h1 ");

        assertThat(new DeployGatewayStep("staging").request()).isEqualTo(new StepRequest.DeployGateway("staging", false, false, null));
        assertThat(build.request()).isEqualTo(new StepRequest.DeployGateway("staging", true, false, null));
        assertThat(step.request()).isEqualTo(new StepRequest.DeployGateway("production", false, true, "h1"));
        assertThat(build.isBuildOnly()).isTrue();
        assertThat(new DeployGatewayStep.DescriptorImpl().getFunctionName()).isEqualTo("mmDeployGateway");
    }
}
