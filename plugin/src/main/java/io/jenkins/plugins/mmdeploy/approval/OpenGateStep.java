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
 * {@code mmOpenGate environment: 'production', phase: 'services'}: on the node, right after the plan, opens the gate
 * before {@code phase}: the engine decides it from the policy and shows the run's open plan (and gives the
 * environment's lease back for the wait); the gate is kept on the build for mmApprovalGate. Returns
 * {@code [phase, planHash, summaryText, automatic]}.
 */
public final class OpenGateStep extends Step {
    private final String environment;
    private final String phase;
    private String summary;
    private String config = DeployConfig.DEFAULT_FILE;

    @DataBoundConstructor
    public OpenGateStep(String environment, String phase) {
        this.environment = environment;
        this.phase = phase;
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

    /** What the approver is asked at a gate without a plan (the rollback's confirmation); a plan's gate shows the plan. */
    @DataBoundSetter
    public void setSummary(String summary) {
        this.summary = summary == null || summary.isBlank() ? null : summary.strip();
    }

    public String getConfig() {
        return config;
    }

    @DataBoundSetter
    public void setConfig(String config) {
        this.config = DeployConfigs.parameter(config);
    }

    @Override
    public StepExecution start(StepContext context) {
        return new OpenGateExecution(context, environment, phase, summary, config);
    }

    @Extension
    public static final class DescriptorImpl extends StepDescriptor {
        @Override
        public String getFunctionName() {
            return "mmOpenGate";
        }

        @Override
        public String getDisplayName() {
            return "mm-deploy: open an approval gate for the plan just made";
        }

        /** The workspace holds the config (the policy) and the run's saved plan. */
        @Override
        public Set<? extends Class<?>> getRequiredContext() {
            return Set.of(Run.class, TaskListener.class, FilePath.class);
        }
    }
}
