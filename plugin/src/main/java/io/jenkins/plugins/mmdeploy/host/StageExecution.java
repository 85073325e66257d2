package io.jenkins.plugins.mmdeploy.host;

import io.jenkins.plugins.mmdeploy.release.DeploymentAction;
import io.mmdeploy.engine.config.LoadedConfig;
import io.mmdeploy.engine.diagnostics.DeployException;
import io.mmdeploy.engine.steps.DeploySteps;
import io.mmdeploy.engine.steps.ReleaseResult;
import io.mmdeploy.engine.steps.StepRequest;
import io.mmdeploy.engine.tofu.TofuSettings;
import java.util.Map;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.SynchronousNonBlockingStepExecution;

/**
 * Runs a {@link StageStep} off the CPS thread (Google calls and agent I/O): the ports rooted at the config file's
 * directory, the config, the engine's {@link DeploySteps} answering the step's request, and the result as the step's
 * map. A finished release becomes the build's "Deployment" page, from the record in memory.
 */
final class StageExecution extends SynchronousNonBlockingStepExecution<Map<String, Object>> {
    private static final long serialVersionUID = 1L;
    // Not resumable (its work is a thread of this JVM); the step is not part of the saved program.
    private final transient StageStep step;
    /** What was running, for the message after a restart: e.g. mmApplyTofu for production. */
    private final String running;

    StageExecution(StepContext context, StageStep step) {
        super(context);
        this.step = step;
        this.running = step.getDescriptor().getFunctionName() + " for " + step.getEnvironment();
    }

    /**
     * The controller restarted while the step ran: its thread is gone, and whatever it was doing (a build, a migration,
     * an apply) may or may not have finished. The build fails here with what to do next, instead of Jenkins' generic
     * "resume not supported": run it again, and the engine's run journal continues the same release.
     */
    @Override
    public void onResume() {
        getContext().onFailure(new hudson.AbortException(restartMessage(running)));
    }

    static String restartMessage(String running) {
        return running + " was running when Jenkins restarted, and cannot pick up where it was; nothing more runs in this build."
                + " To continue, run this job again for the same commit (Rebuild, or Build Now on the branch): mmPreflight continues"
                + " the unfinished release, keeps every phase that succeeded with the same inputs, and runs the rest. If OpenTofu"
                + " was applying, its next plan shows what the apply got done; a state lock it left is named with its holder.";
    }

    @Override
    protected Map<String, Object> run() throws Exception {
        String directory = DeployConfigs.directory(step.getConfig());
        BuildHost host = BuildHost.of(getContext(), directory);
        try {
            LoadedConfig loaded = DeployConfigs.loaded(host.workspace(), DeployConfigs.fileName(step.getConfig()), step.getConfig(), host.events());
            loaded.config().environment(step.getEnvironment()); // an unknown name fails here, with "did you mean"
            StepRequest<?> request = step.request();
            Object result = request.runOn(new DeploySteps(host.stepHost(), loaded, TofuSettings.defaults()));
            if (request instanceof StepRequest.Release release && DeploySteps.FINISH.equals(release.phase())
                    && result instanceof ReleaseResult finished && finished.record() != null) {
                host.run().addAction(DeploymentAction.of(finished.record()));
            }
            return StepMaps.of(result, directory);
        } catch (DeployException e) {
            throw (Exception) StepFailure.of(e);
        }
    }
}
