package io.jenkins.plugins.mmdeploy.host;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** A {@link DeployStages} that records which entry point a step called, with which arguments. */
public final class RecordingStages implements DeployStages {
    public final List<Object> calls = new ArrayList<>();
    private final Map<String, Object> result = Map.of("ok", true);

    private Map<String, Object> record(String entry, StageContext stage, Object... args) {
        calls.add(entry);
        calls.add(stage);
        calls.addAll(Arrays.asList(args));
        return result;
    }

    @Override
    public Map<String, Object> buildImages(StageContext stage, List<String> services, String builder) {
        return record("buildImages", stage, services, builder);
    }

    @Override
    public Map<String, Object> runMigrations(StageContext stage) {
        return record("runMigrations", stage);
    }

    @Override
    public Map<String, Object> applyTofu(StageContext stage, String target, boolean planOnly, String approvedPlanHash) {
        return record("applyTofu", stage, target, planOnly, approvedPlanHash);
    }

    @Override
    public Map<String, Object> serviceUrls(StageContext stage) {
        return record("serviceUrls", stage);
    }

    @Override
    public Map<String, Object> deployGateway(StageContext stage, boolean planOnly, String approvedPlanHash) {
        return record("deployGateway", stage, planOnly, approvedPlanHash);
    }

    @Override
    public Map<String, Object> healthCheck(StageContext stage, List<String> services) {
        return record("healthCheck", stage, services);
    }

    @Override
    public Map<String, Object> rollback(StageContext stage, String service, String to) {
        return record("rollback", stage, service, to);
    }

    @Override
    public Map<String, Object> release(StageContext stage, String phase, String result, String failedPhase) {
        return record("release", stage, phase, result, failedPhase);
    }
}
