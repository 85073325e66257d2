package io.mmdeploy.engine.traffic;

import com.google.api.gax.rpc.ApiException;
import com.google.cloud.run.v2.Condition;
import com.google.cloud.run.v2.Revision;
import com.google.cloud.run.v2.RevisionName;
import com.google.cloud.run.v2.RevisionsClient;
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
import io.mmdeploy.engine.gcp.Operations;
import io.mmdeploy.engine.port.StageLog;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeoutException;

/**
 * Traffic and rollback primitives on Cloud Run services: list revisions, find the last good one, send all
 * traffic to one revision or back to the latest. Never builds and never runs OpenTofu.
 */
public final class CloudRunTraffic {
    public static final String STAGE = "traffic";
    private static final String ROLE = "roles/run.developer";

    private final ServicesClient services;
    private final RevisionsClient revisions;
    private final StageLog log;
    private final Duration timeout;

    public CloudRunTraffic(ServicesClient services, RevisionsClient revisions, StageLog log, Duration timeout) {
        this.services = services;
        this.revisions = revisions;
        this.log = log;
        this.timeout = timeout;
    }

    /** The service's revisions, newest first. */
    public List<RevisionInfo> revisions(ServiceName service) {
        List<RevisionInfo> found = new ArrayList<>();
        try {
            for (Revision revision : revisions.listRevisions(service).iterateAll()) {
                found.add(info(revision));
            }
        } catch (ApiException e) {
            throw ApiFailure.of("list the revisions of " + service.getService(), service.toString(), "roles/run.viewer", e);
        }
        found.sort(Comparator.comparing(RevisionInfo::created).reversed());
        return found;
    }

    /** The newest ready revision created before the given one (the rollback target after a bad deploy). */
    public Optional<RevisionInfo> lastGoodBefore(ServiceName service, String revision) {
        List<RevisionInfo> all = revisions(service);
        RevisionInfo reference = all.stream().filter(r -> r.name().equals(revision)).findFirst().orElseThrow(() ->
                unknownRevision(service, revision, all));
        return all.stream()
                .filter(r -> r.ready() && r.created().isBefore(reference.created()))
                .findFirst();
    }

    /** The Cloud Run service of a config service (or the gateway) by its config name. */
    public static ServiceName serviceName(DeployConfig config, EnvironmentSpec env, String name) {
        String cloudRunName = config.gatewaySpec().filter(g -> g.name().equals(name)).map(g -> g.cloudRunService(env))
                .or(() -> config.service(name).map(s -> s.cloudRunService(env)))
                .orElseThrow(() -> DeployException.of("Unknown service \"" + name + "\"",
                        config.file() + " defines " + String.join(", ", config.services().stream().map(ServiceSpec::name).toList())
                                + config.gatewaySpec().map(g -> " and the gateway " + g.name()).orElse("") + "."));
        return ServiceName.of(env.projectId(), env.region(), cloudRunName);
    }

    /** Rolls back one step: all traffic to the newest ready revision before the newest one. */
    public TrafficMove routeToPrevious(ServiceName service) throws InterruptedException {
        List<RevisionInfo> all = revisions(service);
        if (all.isEmpty()) {
            throw DeployException.of(service.getService() + " has no revisions", service.toString());
        }
        RevisionInfo target = lastGoodBefore(service, all.get(0).name()).orElseThrow(() -> DeployException.of(
                "No ready revision before " + all.get(0).name(), service.getService() + " has nothing to roll back to."));
        return routeAllTo(service, target.name());
    }

    /** Sends 100% of the traffic to one revision, which must exist and be ready. */
    public TrafficMove routeAllTo(ServiceName service, String revision) throws InterruptedException {
        List<RevisionInfo> all = revisions(service);
        RevisionInfo target = all.stream().filter(r -> r.name().equals(revision)).findFirst()
                .orElseThrow(() -> unknownRevision(service, revision, all));
        if (!target.ready()) {
            throw DeployException.of("Revision " + revision + " is not ready",
                    service.getService() + " cannot serve from " + revision + " (its Ready condition has not succeeded)."
                            + " Traffic was not moved. Pick a ready revision: "
                            + String.join(", ", all.stream().filter(RevisionInfo::ready).map(RevisionInfo::name).toList()));
        }
        return route(service, TrafficTarget.newBuilder()
                .setType(TrafficTargetAllocationType.TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION)
                .setRevision(revision)
                .setPercent(100)
                .build(), revision);
    }

    /** Returns all traffic to the latest ready revision (Cloud Run's default). */
    public TrafficMove routeToLatest(ServiceName service) throws InterruptedException {
        return route(service, TrafficTarget.newBuilder()
                .setType(TrafficTargetAllocationType.TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST)
                .setPercent(100)
                .build(), TrafficMove.LATEST);
    }

    private TrafficMove route(ServiceName name, TrafficTarget target, String label) throws InterruptedException {
        Service current;
        try {
            current = services.getService(name);
        } catch (ApiException e) {
            throw ApiFailure.of("read the Cloud Run service " + name.getService(), name.toString(), "roles/run.viewer", e);
        }
        List<String> before = current.getTrafficList().stream().map(CloudRunTraffic::describe).toList();
        Service wanted = current.toBuilder().clearTraffic().addTraffic(target).build();
        try {
            Operations.await(services.updateServiceAsync(wanted), timeout);
        } catch (ApiException e) {
            throw ApiFailure.of("move the traffic of " + name.getService(), name.toString(), ROLE, e);
        } catch (TimeoutException e) {
            throw DeployException.of("Moving the traffic of " + name.getService() + " did not finish in " + timeout.toSeconds() + " s",
                    name + "\nCheck the service's traffic in the Cloud Run console; the change may still be rolling out.");
        }
        log.info(name.getService() + ": traffic " + String.join(", ", before) + " -> " + label + "=100");
        return new TrafficMove(name.getService(), before, label);
    }

    private static String describe(TrafficTarget t) {
        String who = t.getType() == TrafficTargetAllocationType.TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST ? TrafficMove.LATEST : t.getRevision();
        return who + "=" + t.getPercent();
    }

    private static RevisionInfo info(Revision revision) {
        boolean ready = revision.getConditionsList().stream()
                .anyMatch(c -> c.getType().equals("Ready") && c.getState() == Condition.State.CONDITION_SUCCEEDED);
        String image = revision.getContainersCount() == 0 ? "" : revision.getContainers(0).getImage();
        Instant created = Instant.ofEpochSecond(revision.getCreateTime().getSeconds(), revision.getCreateTime().getNanos());
        return new RevisionInfo(RevisionName.parse(revision.getName()).getRevision(), image, ready, created);
    }

    private static DeployException unknownRevision(ServiceName service, String revision, List<RevisionInfo> all) {
        return DeployException.of("No revision " + revision + " in " + service.getService(),
                "The service's revisions are: " + String.join(", ", all.stream().map(RevisionInfo::name).toList()));
    }
}
