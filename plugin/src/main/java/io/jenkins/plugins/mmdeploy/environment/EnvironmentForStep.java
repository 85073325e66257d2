package io.jenkins.plugins.mmdeploy.environment;

import hudson.Extension;
import hudson.FilePath;
import hudson.model.Run;
import hudson.model.TaskListener;
import io.jenkins.plugins.mmdeploy.host.BuildHost;
import io.jenkins.plugins.mmdeploy.host.DeployConfigs;
import io.jenkins.plugins.mmdeploy.host.StepFailure;
import io.mmdeploy.engine.config.DeployConfig;
import io.mmdeploy.engine.config.EnvironmentChoice;
import io.mmdeploy.engine.diagnostics.DeployException;
import java.util.Map;
import java.util.Set;
import org.jenkinsci.plugins.workflow.steps.Step;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepDescriptor;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
import org.jenkinsci.plugins.workflow.steps.SynchronousNonBlockingStepExecution;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;

/**
 * {@code mmEnvironmentFor branch: env.BRANCH_NAME}: which environment of the config the branch deploys to, whether
 * it is gated, and the names a pipeline offers (environments, services, gateway). Reads the config file only.
 * Returns {@code [environment, gated, known, environments, services, gateway]}.
 */
public final class EnvironmentForStep extends Step {
    private String branch;
    private String config = DeployConfig.DEFAULT_FILE;

    @DataBoundConstructor
    public EnvironmentForStep() {}

    public String getBranch() {
        return branch;
    }

    @DataBoundSetter
    public void setBranch(String branch) {
        this.branch = branch == null || branch.isBlank() ? null : branch.strip();
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
        return new Execution(context, branch, config);
    }

    /** Reads the config on the agent: runs off the CPS thread. */
    private static final class Execution extends SynchronousNonBlockingStepExecution<Map<String, Object>> {
        private static final long serialVersionUID = 1L;
        private final String branch;
        private final String config;

        Execution(StepContext context, String branch, String config) {
            super(context);
            this.branch = branch;
            this.config = config;
        }

        @Override
        protected Map<String, Object> run() throws Exception {
            BuildHost host = BuildHost.of(getContext(), DeployConfigs.directory(config));
            try {
                DeployConfig loaded = DeployConfigs.loaded(host.workspace(), DeployConfigs.fileName(config), config, host.events()).config();
                return EnvironmentChoice.of(loaded, branch).toMap();
            } catch (DeployException e) {
                throw (Exception) StepFailure.of(e);
            }
        }
    }

    @Extension
    public static final class DescriptorImpl extends StepDescriptor {
        @Override
        public String getFunctionName() {
            return "mmEnvironmentFor";
        }

        @Override
        public String getDisplayName() {
            return "mm-deploy: the environment a branch deploys to";
        }

        @Override
        public Set<? extends Class<?>> getRequiredContext() {
            return Set.of(Run.class, TaskListener.class, FilePath.class);
        }
    }
}
