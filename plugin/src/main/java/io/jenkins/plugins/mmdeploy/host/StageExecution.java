package io.jenkins.plugins.mmdeploy.host;

import hudson.AbortException;
import hudson.ExtensionList;
import io.jenkins.plugins.mmdeploy.credentials.GoogleCredentialsBridge;
import io.mmdeploy.engine.config.DeployConfig;
import io.mmdeploy.engine.config.EnvironmentSpec;
import io.mmdeploy.engine.diagnostics.DeployException;
import java.util.Map;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.SynchronousNonBlockingStepExecution;

/**
 * Runs a {@link StageStep} off the CPS thread (Google calls and agent I/O): loads the config, resolves the environment
 * and its credentials, then calls the engine through {@link DeployStages}.
 */
final class StageExecution extends SynchronousNonBlockingStepExecution<Map<String, Object>> {
    private static final long serialVersionUID = 1L;
    // Not resumable anyway (SynchronousNonBlockingStepExecution); the step is not part of the saved program.
    private final transient StageStep step;

    StageExecution(StepContext context, StageStep step) {
        super(context);
        this.step = step;
    }

    @Override
    protected Map<String, Object> run() throws Exception {
        BuildHost host = BuildHost.of(getContext());
        try {
            DeployConfig config = DeployConfigs.load(host.workspace(), step.getConfig(), host.events());
            EnvironmentSpec environment = config.environment(step.getEnvironment());
            ExtensionList<DeployStages> stages = ExtensionList.lookup(DeployStages.class);
            if (stages.isEmpty()) {
                throw new AbortException(step.functionName() + " is not wired to the mm-deploy engine in this plugin version:"
                        + " its engine stage is still being written.");
            }
            StageContext stage = new StageContext(host, config, environment, GoogleCredentialsBridge.forEnvironment(environment, host.run()));
            return step.call(stages.get(0), stage);
        } catch (DeployException e) {
            throw (Exception) StepFailure.of(e);
        }
    }
}
