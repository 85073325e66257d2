package io.jenkins.plugins.mmdeploy.preflight;

import hudson.Extension;
import hudson.FilePath;
import hudson.model.Run;
import hudson.model.TaskListener;
import io.jenkins.plugins.mmdeploy.host.BuildHost;
import io.jenkins.plugins.mmdeploy.host.DeployConfigs;
import io.jenkins.plugins.mmdeploy.host.StepFailure;
import io.mmdeploy.engine.config.DeployConfig;
import io.mmdeploy.engine.config.LoadedConfig;
import io.mmdeploy.engine.diagnostics.DeployException;
import io.mmdeploy.engine.port.LogEvent;
import io.mmdeploy.engine.steps.DeploySteps;
import io.mmdeploy.engine.tofu.TofuSettings;
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
 * {@code mmPreflight environment: 'staging'}: loads the deploy config and runs the engine's isolation preflight
 * (environments never share a project, registry, state, secret…). Fails the build on any violation, before anything
 * is changed. Returns {@code [environment, violations, release, approval, alias]}.
 */
public final class PreflightStep extends Step {
    private final String environment;
    private String config = DeployConfig.DEFAULT_FILE;

    @DataBoundConstructor
    public PreflightStep(String environment) {
        this.environment = environment;
    }

    public String getEnvironment() {
        return environment;
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
        return new Execution(context, environment, config);
    }

    /** Reads files on the agent: runs off the CPS thread. */
    private static final class Execution extends SynchronousNonBlockingStepExecution<Map<String, Object>> {
        private static final long serialVersionUID = 1L;
        private final String environment;
        private final String config;

        Execution(StepContext context, String environment, String config) {
            super(context);
            this.environment = environment;
            this.config = config;
        }

        @Override
        protected Map<String, Object> run() throws Exception {
            BuildHost host = BuildHost.of(getContext(), DeployConfigs.directory(config));
            try {
                LoadedConfig loaded = DeployConfigs.loaded(host.workspace(), DeployConfigs.fileName(config), config, host.events());
                Map<String, Object> facts = new DeploySteps(host.stepHost(), loaded, TofuSettings.defaults()).preflight(environment);
                host.events().emit(new LogEvent(LogEvent.Level.INFO, "preflight",
                        "Environments of " + config + " are isolated; " + environment + " may deploy as release " + facts.get("release") + "."));
                return facts;
            } catch (DeployException e) {
                throw (Exception) StepFailure.of(e);
            }
        }
    }

    @Extension
    public static final class DescriptorImpl extends StepDescriptor {
        @Override
        public String getFunctionName() {
            return "mmPreflight";
        }

        @Override
        public String getDisplayName() {
            return "mm-deploy: check that the environments are isolated";
        }

        @Override
        public Set<? extends Class<?>> getRequiredContext() {
            return Set.of(Run.class, TaskListener.class, FilePath.class);
        }
    }
}
