package io.jenkins.plugins.mmdeploy.approval;

import hudson.Extension;
import hudson.FilePath;
import hudson.model.Run;
import hudson.model.TaskListener;
import io.jenkins.plugins.mmdeploy.host.DeployConfigs;
import io.mmdeploy.engine.config.DeployConfig;
import java.util.Set;
import org.jenkinsci.plugins.workflow.steps.Step;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepDescriptor;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;

/**
 * {@code mmApprovalGate environment: 'production', phase: 'services', summary: plan.summaryText}: waits for the
 * environment's approvers through the standard input step, or passes at once ({@code approver: 'auto'}) when the
 * environment's policy has no gate for the phase. Returns {@code [approver, approvedAt, phase]}.
 */
public final class ApprovalGateStep extends Step {
    private final String environment;
    private final String phase;
    private final String summary;
    private String config = DeployConfig.DEFAULT_FILE;
    private String planHash;

    @DataBoundConstructor
    public ApprovalGateStep(String environment, String phase, String summary) {
        this.environment = environment;
        this.phase = phase;
        this.summary = summary;
    }

    public String getEnvironment() {
        return environment;
    }

    public String getPhase() {
        return phase;
    }

    public String getSummary() {
        return summary;
    }

    public String getConfig() {
        return config;
    }

    @DataBoundSetter
    public void setConfig(String config) {
        this.config = DeployConfigs.parameter(config);
    }

    public String getPlanHash() {
        return planHash;
    }

    /** The hash of the plan the approver is shown (mmApplyTofu or mmDeployGateway planOnly); none for a rollback. */
    @DataBoundSetter
    public void setPlanHash(String planHash) {
        this.planHash = planHash == null || planHash.isBlank() ? null : planHash.strip();
    }

    @Override
    public StepExecution start(StepContext context) {
        return new ApprovalGateExecution(context, environment, phase, summary, config, planHash);
    }

    @Extension
    public static final class DescriptorImpl extends StepDescriptor {
        @Override
        public String getFunctionName() {
            return "mmApprovalGate";
        }

        @Override
        public String getDisplayName() {
            return "mm-deploy: wait for the environment's approval";
        }

        /** The workspace holds the config that names the approvers; Run and TaskListener for the pause itself. */
        @Override
        public Set<? extends Class<?>> getRequiredContext() {
            return Set.of(Run.class, TaskListener.class, FilePath.class);
        }
    }
}
