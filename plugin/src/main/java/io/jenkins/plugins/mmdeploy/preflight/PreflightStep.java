package io.jenkins.plugins.mmdeploy.preflight;

import hudson.Extension;
import hudson.FilePath;
import hudson.model.Run;
import hudson.model.TaskListener;
import io.jenkins.plugins.mmdeploy.host.BuildHost;
import io.jenkins.plugins.mmdeploy.host.DeployConfigs;
import io.jenkins.plugins.mmdeploy.host.StepFailure;
import io.mmdeploy.engine.config.DeployConfig;
import io.mmdeploy.engine.diagnostics.DeployException;
import io.mmdeploy.engine.isolation.IsolationPreflight;
import io.mmdeploy.engine.isolation.IsolationViolation;
import io.mmdeploy.engine.port.LogEvent;
import java.util.LinkedHashMap;
import java.util.List;
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
 * is changed. Returns {@code [environment, violations]}.
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
        this.config = config == null || config.isBlank() ? DeployConfig.DEFAULT_FILE : config.strip();
    }

    @Override
    public StepExecution start(StepContext context) {
        return new Execution(context, environment, config);
    }

    /** The result map of docs/STEPS.md; the violations as rendered diagnostics. */
    static Map<String, Object> result(String environment, List<IsolationViolation> violations) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("environment", environment);
        out.put("violations", violations.stream().map(v -> v.toDiagnostic().render()).toList());
        return out;
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
            BuildHost host = BuildHost.of(getContext());
            try {
                DeployConfig deployConfig = DeployConfigs.load(host.workspace(), config, host.events());
                deployConfig.environment(environment); // an unknown name fails here, with "did you mean"
                List<IsolationViolation> violations = new IsolationPreflight(host.workspace()).check(deployConfig);
                if (!violations.isEmpty()) {
                    throw new DeployException(violations.stream().map(IsolationViolation::toDiagnostic).toList());
                }
                host.events().emit(new LogEvent(LogEvent.Level.INFO, "preflight",
                        "Environments of " + config + " are isolated; " + environment + " may deploy."));
                return result(environment, violations);
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
