package io.jenkins.plugins.mmdeploy.approval;

import static org.assertj.core.api.Assertions.assertThat;

import hudson.FilePath;
import hudson.model.Run;
import hudson.model.TaskListener;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ApprovalGateStepTest {

    @Test
    void theWaitTakesEnvironmentPhaseAndOptionallyThePlanHash() {
        ApprovalGateStep step = new ApprovalGateStep("production", "services");

        assertThat(step.getEnvironment()).isEqualTo("production");
        assertThat(step.getPhase()).isEqualTo("services");
        assertThat(step.getPlanHash()).isNull();
        step.setPlanHash(" sha256:abc ");
        assertThat(step.getPlanHash()).isEqualTo("sha256:abc");
        step.setPlanHash(" ");
        assertThat(step.getPlanHash()).isNull();
    }

    @Test
    void theWaitNeedsNoWorkspaceSoItRunsOutsideNodeAndHoldsNoExecutor() {
        ApprovalGateStep.DescriptorImpl descriptor = new ApprovalGateStep.DescriptorImpl();

        assertThat(descriptor.getFunctionName()).isEqualTo("mmApprovalGate");
        assertThat(new HashSet<Class<?>>(descriptor.getRequiredContext())).isEqualTo(Set.of(Run.class, TaskListener.class));
    }

    @Test
    void openingTheGateReadsTheWorkspaceSoItRunsOnTheNode() {
        OpenGateStep step = new OpenGateStep("production", "rollback");
        OpenGateStep.DescriptorImpl descriptor = new OpenGateStep.DescriptorImpl();

        assertThat(step.getConfig()).isEqualTo("mm-deploy.yaml");
        assertThat(step.getSummary()).isNull();
        step.setSummary("  Roll back journal in production to previous  ");
        step.setConfig(" deploy/mm.yaml ");
        assertThat(step.getSummary()).isEqualTo("Roll back journal in production to previous");
        assertThat(step.getConfig()).isEqualTo("deploy/mm.yaml");
        step.setConfig(" ");
        assertThat(step.getConfig()).isEqualTo("mm-deploy.yaml");
        assertThat(descriptor.getFunctionName()).isEqualTo("mmOpenGate");
        assertThat(new HashSet<Class<?>>(descriptor.getRequiredContext())).isEqualTo(Set.of(Run.class, TaskListener.class, FilePath.class));
    }
}
