package io.mmdeploy.engine.release;

import com.google.api.gax.rpc.ApiException;
import com.google.cloud.run.v2.Service;
import com.google.cloud.run.v2.ServiceName;
import com.google.cloud.run.v2.ServicesClient;
import com.google.cloud.run.v2.TrafficTarget;
import com.google.cloud.run.v2.TrafficTargetAllocationType;
import io.mmdeploy.engine.config.DeployConfig;
import io.mmdeploy.engine.config.EnvironmentSpec;
import io.mmdeploy.engine.config.ServiceSpec;
import io.mmdeploy.engine.diagnostics.DeployException;
import io.mmdeploy.engine.gcp.ApiFailure;
import io.mmdeploy.engine.port.StageLog;
import io.mmdeploy.engine.run.NamedTask;
import io.mmdeploy.engine.run.ParallelRunner;
import io.mmdeploy.engine.run.TaskOutcome;
import io.mmdeploy.engine.traffic.CloudRunTraffic;
import io.mmdeploy.engine.traffic.RevisionInfo;
import java.util.ArrayList;
import java.util.List;

/** Reads what each service of an environment serves now: traffic, revisions, URL. Changes nothing. */
public final class LiveServices {
    static final String STAGE = "live-services";

    private final ServicesClient services;
    private final CloudRunTraffic traffic;
    private final ParallelRunner runner;

    /** @param runner reads the services at once (two calls each: against Google, one after another they add up to seconds) */
    public LiveServices(ServicesClient services, CloudRunTraffic traffic, ParallelRunner runner) {
        this.services = services;
        this.traffic = traffic;
        this.runner = runner;
    }

    /** The services in config order, then the gateway; every service that could not be read is named. */
    public List<LiveService> readAll(DeployConfig config, EnvironmentSpec env) {
        List<NamedTask<LiveService>> reads = new ArrayList<>();
        for (ServiceSpec spec : config.services()) {
            reads.add(new NamedTask<>(spec.cloudRunService(env), () -> read(env, spec.name(), spec.cloudRunService(env))));
        }
        config.gatewaySpec().ifPresent(g -> reads.add(new NamedTask<>(g.cloudRunService(env), () -> read(env, g.name(), g.cloudRunService(env)))));
        try {
            return TaskOutcome.valuesOrThrow(runner.runAll(STAGE, reads));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw DeployException.of("Reading the Cloud Run services of " + env.name() + " was interrupted", "Nothing was changed.");
        }
    }

    /**
     * What serves now, for a record that must be written whatever happens: when Cloud Run cannot be read, a
     * warning and nothing (the record then names no revisions) rather than a failure that would lose the record.
     */
    public List<LiveService> readAllForRecord(DeployConfig config, EnvironmentSpec env, StageLog log) {
        try {
            return readAll(config, env);
        } catch (DeployException e) {
            log.warn("Cannot read the live services, so the record names no revisions: " + e.diagnostics().get(0).summary());
            return List.of();
        }
    }

    public LiveService read(EnvironmentSpec env, String name, String cloudRunService) {
        ServiceName serviceName = ServiceName.of(env.projectId(), env.region(), cloudRunService);
        Service service;
        try {
            service = services.getService(serviceName);
        } catch (ApiException e) {
            throw ApiFailure.of("read the Cloud Run service " + cloudRunService, serviceName.toString(), "roles/run.viewer", e);
        }
        List<RevisionInfo> revisions = traffic.revisions(serviceName);
        // LATEST means the newest ready revision, which is what Cloud Run routes it to.
        String latestReady = revisions.stream().filter(RevisionInfo::ready).map(RevisionInfo::name).findFirst().orElse(null);
        List<LiveService.Split> splits = new ArrayList<>();
        for (TrafficTarget t : service.getTrafficList()) {
            if (t.getPercent() == 0) {
                continue;
            }
            String revision = t.getType() == TrafficTargetAllocationType.TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST ? latestReady : t.getRevision();
            splits.add(new LiveService.Split(revision, t.getPercent()));
        }
        return new LiveService(name, cloudRunService, service.getUri(), splits, revisions);
    }
}
