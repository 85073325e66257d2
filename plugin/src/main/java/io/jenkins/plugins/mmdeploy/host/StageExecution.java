package io.jenkins.plugins.mmdeploy.host;

import io.mmdeploy.engine.config.LoadedConfig;
import io.mmdeploy.engine.diagnostics.DeployException;
import io.mmdeploy.engine.steps.DeploySteps;
import io.mmdeploy.engine.tofu.TofuSettings;
import java.util.Map;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.SynchronousNonBlockingStepExecution;

/**
 * Runs a {@link StageStep} off the CPS thread (Google calls and agent I/O): the ports rooted at the config file's
 * directory, the config, and the engine's {@link DeploySteps}, which the step calls with its parameters.
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
        String directory = DeployConfigs.directory(step.getConfig());
        BuildHost host = BuildHost.of(getContext(), directory);
        try {
            LoadedConfig loaded = DeployConfigs.loaded(host.workspace(), DeployConfigs.fileName(step.getConfig()), step.getConfig(), host.events());
            loaded.config().environment(step.getEnvironment()); // an unknown name fails here, with "did you mean"
            return step.call(new EngineStages(new DeploySteps(host.stepHost(), loaded, TofuSettings.defaults()), host, directory));
        } catch (DeployException e) {
            throw (Exception) StepFailure.of(e);
        }
    }
}
