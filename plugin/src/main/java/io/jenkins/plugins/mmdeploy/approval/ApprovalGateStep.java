package io.jenkins.plugins.mmdeploy.approval;

import hudson.Extension;
import hudson.model.Run;
import hudson.model.TaskListener;
import java.util.Set;
import org.jenkinsci.plugins.workflow.steps.Step;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepDescriptor;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;

/**
 * {@code mmApprovalGate environment: 'production', phase: 'services', planHash: gate.planHash}: waits, outside
 * {@code node} and {@code lock}, until the gate mmOpenGate opened on this build is approved or rejected on the build's
 * "Approval" page, or the policy's timeout passes; passes at once when the gate passes by itself. Returns
 * {@code [approver, approvedAt, phase, planHash]}.
 */
public final class ApprovalGateStep extends Step {
    private final String environment;
    private final String phase;
    private String planHash;

    @DataBoundConstructor
    public ApprovalGateStep(String environment, String phase) {
        this.environment = environment;
        this.phase = phase;
    }

    public String getEnvironment() {
        return environment;
    }

    public String getPhase() {
        return phase;
    }

    public String getPlanHash() {
        return planHash;
    }

    /** The plan the opened gate must be for (mmOpenGate's {@code planHash}); none for a rollback. */
    @DataBoundSetter
    public void setPlanHash(String planHash) {
        this.planHash = planHash == null || planHash.isBlank() ? null : planHash.strip();
    }

    @Override
    public StepExecution start(StepContext context) {
        return new ApprovalGateExecution(context, environment, phase, planHash);
    }

    @Extension
    public static final class DescriptorImpl extends StepDescriptor {
        @Override
        public String getFunctionName() {
            return "mmApprovalGate";
        }

        @Override
        public String getDisplayName() {
            return "mm-deploy: wait for the approval of an open gate";
        }

        /** The build and its log only: no workspace, so the wait holds no executor. */
        @Override
        public Set<? extends Class<?>> getRequiredContext() {
            return Set.of(Run.class, TaskListener.class);
        }
    }
}
