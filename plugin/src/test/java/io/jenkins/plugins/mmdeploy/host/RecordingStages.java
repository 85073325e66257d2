package io.jenkins.plugins.mmdeploy.host;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** A {@link DeployStages} that records which entry point a step called, with which arguments. */
public final class RecordingStages implements DeployStages {
    public final List<Object> calls = new ArrayList<>();
    private final Map<String, Object> result = Map.of("ok", true);

    private Map<String, Object> record(String entry, String environment, Object... args) {
        calls.add(entry);
        calls.add(environment);
        calls.addAll(Arrays.asList(args));
        return result;
    }

    @Override
    public Map<String, Object> buildImages(String environment, List<String> services, String builder) {
        return record("buildImages", environment, services, builder);
    }

    @Override
    public Map<String, Object> runMigrations(String environment) {
        return record("runMigrations", environment);
    }

    @Override
    public Map<String, Object> applyTofu(String environment, String target, boolean planOnly, String approvedPlanHash) {
        return record("applyTofu", environment, target, planOnly, approvedPlanHash);
    }

    @Override
    public Map<String, Object> serviceUrls(String environment) {
        return record("serviceUrls", environment);
    }

    @Override
    public Map<String, Object> deployGateway(String environment, boolean buildOnly, boolean planOnly, String approvedPlanHash) {
        return record("deployGateway", environment, buildOnly, planOnly, approvedPlanHash);
    }

    @Override
    public Map<String, Object> healthCheck(String environment, List<String> services) {
        return record("healthCheck", environment, services);
    }

    @Override
    public Map<String, Object> rollback(String environment, String service, String to, boolean force) {
        return record("rollback", environment, service, to, force);
    }

    @Override
    public Map<String, Object> release(String environment, String phase, String result, String failedPhase, String kind) {
        return record("release", environment, phase, result, failedPhase, kind);
    }

    @Override
    public Map<String, Object> moveAlias(String environment) {
        return record("moveAlias", environment);
    }
}
