package io.jenkins.plugins.mmdeploy.host;

import io.jenkins.plugins.mmdeploy.release.DeploymentAction;
import io.mmdeploy.engine.diagnostics.DeployException;
import io.mmdeploy.engine.release.ReleaseJson;
import io.mmdeploy.engine.steps.DeploySteps;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The deploy stages of one step call, answered by the engine's {@link DeploySteps}. The Jenkins side of mmRelease
 * is here: the finished record becomes the build's "Deployment" page, and its path is given relative to the
 * build's workspace, where the shared library archives it.
 */
final class EngineStages implements DeployStages {
    private final DeploySteps steps;
    private final BuildHost host;
    private final String configDirectory;

    /**
     * @param host the ports rooted at the config file's directory
     * @param configDirectory that directory, relative to the build's workspace ("" for the workspace itself)
     */
    EngineStages(DeploySteps steps, BuildHost host, String configDirectory) {
        this.steps = steps;
        this.host = host;
        this.configDirectory = configDirectory;
    }

    @Override
    public Map<String, Object> buildImages(String environment, List<String> services, String builder) throws InterruptedException {
        return steps.buildImages(environment, services, builder);
    }

    @Override
    public Map<String, Object> runMigrations(String environment) throws InterruptedException {
        return steps.runMigrations(environment);
    }

    @Override
    public Map<String, Object> applyTofu(String environment, String target, boolean planOnly, String approvedPlanHash) throws InterruptedException {
        return steps.applyTofu(environment, target, planOnly, approvedPlanHash);
    }

    @Override
    public Map<String, Object> serviceUrls(String environment) throws InterruptedException {
        return steps.serviceUrls(environment);
    }

    @Override
    public Map<String, Object> deployGateway(String environment, boolean buildOnly, boolean planOnly, String approvedPlanHash)
            throws InterruptedException {
        return steps.deployGateway(environment, buildOnly, planOnly, approvedPlanHash);
    }

    @Override
    public Map<String, Object> healthCheck(String environment, List<String> services) throws InterruptedException {
        return steps.healthCheck(environment, services);
    }

    @Override
    public Map<String, Object> rollback(String environment, String service, String to, boolean force) throws InterruptedException {
        return steps.rollback(environment, service, to, force);
    }

    @Override
    public Map<String, Object> release(String environment, String phase, String result, String failedPhase, String kind)
            throws IOException, InterruptedException {
        Map<String, Object> out = new LinkedHashMap<>(steps.release(environment, phase, result, failedPhase, kind));
        Object record = out.get("record");
        if (record == null) {
            return out;
        }
        if ("finish".equals(phase)) {
            // Until DeploySteps.release hands back the finished ReleaseRecord (the lead's step-layer change), the record
            // is read back right after the engine wrote it, within this step; then this becomes
            // host.run().addAction(DeploymentAction.of(finished)) and nothing is read from the workspace.
            String json = host.workspace().readText(DeploySteps.RECORD_FILE).orElseThrow(() -> DeployException.of(
                    "No " + DeploySteps.RECORD_FILE + " after mmRelease finish", "The engine wrote none in " + host.workspace().describe() + "."));
            host.run().addAction(DeploymentAction.of(ReleaseJson.read(json, DeploySteps.RECORD_FILE)));
        }
        out.put("record", DeployConfigs.inWorkspace(configDirectory, record.toString()));
        return out;
    }

    @Override
    public Map<String, Object> moveAlias(String environment) throws InterruptedException {
        return steps.moveAlias(environment);
    }
}
