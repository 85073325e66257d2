package io.jenkins.plugins.mmdeploy.approval;

import static org.assertj.core.api.Assertions.assertThat;

import hudson.FilePath;
import hudson.model.Run;
import hudson.model.TaskListener;
import org.junit.jupiter.api.Test;

class ApprovalGateStepTest {

    @Test
    void requiredParametersComeThroughTheConstructorAndConfigDefaults() {
        ApprovalGateStep step = new ApprovalGateStep("production", "services", "Plan: 2 to change.");

        assertThat(step.getEnvironment()).isEqualTo("production");
        assertThat(step.getPhase()).isEqualTo("services");
        assertThat(step.getSummary()).isEqualTo("Plan: 2 to change.");
        assertThat(step.getConfig()).isEqualTo("mm-deploy.yaml");
    }

    @Test
    void configIsAnOptionalSetterAndBlankMeansTheDefault() {
        ApprovalGateStep step = new ApprovalGateStep("production", "gateway", "s");

        step.setConfig(" deploy/mm-deploy.yaml ");
        assertThat(step.getConfig()).isEqualTo("deploy/mm-deploy.yaml");
        step.setConfig("  ");
        assertThat(step.getConfig()).isEqualTo("mm-deploy.yaml");
    }

    @Test
    void planHashIsAnOptionalSetterAndBlankMeansNone() {
        ApprovalGateStep step = new ApprovalGateStep("production", "services", "s");

        assertThat(step.getPlanHash()).isNull();
        step.setPlanHash(" sha256:abc ");
        assertThat(step.getPlanHash()).isEqualTo("sha256:abc");
        step.setPlanHash(" ");
        assertThat(step.getPlanHash()).isNull();
    }

    @Test
    void descriptorNamesTheStepAndNeedsTheWorkspaceForThePolicy() {
        ApprovalGateStep.DescriptorImpl descriptor = new ApprovalGateStep.DescriptorImpl();

        assertThat(descriptor.getFunctionName()).isEqualTo("mmApprovalGate");
        assertThat(descriptor.getDisplayName()).contains("approval");
        assertThat(new java.util.HashSet<Class<?>>(descriptor.getRequiredContext())).isEqualTo(java.util.Set.of(Run.class, TaskListener.class, FilePath.class));
    }

    @Test
    void theInputResultIsTheApproversIdThroughTheSubmitterParameter() {
        assertThat(ApprovalGateExecution.APPROVER_PARAMETER).isEqualTo("approver");
    }
}
