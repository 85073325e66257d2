package io.jenkins.plugins.mmdeploy.host;

import hudson.AbortException;
import io.mmdeploy.engine.steps.DeploySteps;
import java.util.List;
import java.util.Map;

/** The deploy stages of one step call, answered by the engine's {@link DeploySteps}. */
final class EngineStages implements DeployStages {
    private final DeploySteps steps;

    EngineStages(DeploySteps steps) {
        this.steps = steps;
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
    public Map<String, Object> applyTofu(String environment, String target, boolean planOnly, String approvedPlanHash) {
        return steps.applyTofu(environment, target, planOnly, approvedPlanHash);
    }

    @Override
    public Map<String, Object> serviceUrls(String environment) {
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
    public Map<String, Object> rollback(String environment, String service, String to) throws AbortException {
        throw notWired("mmRollback");
    }

    @Override
    public Map<String, Object> release(String environment, String phase, String result, String failedPhase, String kind) throws AbortException {
        throw notWired("mmRelease");
    }

    @Override
    public Map<String, Object> moveAlias(String environment) throws AbortException {
        throw notWired("mmMoveAlias");
    }

    /** The release records (engine package release) have not reached this plugin version yet. */
    private static AbortException notWired(String step) {
        return new AbortException(step + " is not wired to the mm-deploy engine in this plugin version: it needs the release records.");
    }
}
