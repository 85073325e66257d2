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

    /** Whether all traffic goes to the latest ready revision with no tag: the state a deploy leaves behind. */
    public boolean onLatest(ServiceName name) {
        List<TrafficTarget> traffic = read(name).getTrafficList();
        return traffic.size() == 1 && traffic.get(0).getType() == TrafficTargetAllocationType.TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST
                && traffic.get(0).getPercent() == 100 && traffic.get(0).getTag().isEmpty();
    }

    /**
     * Names the revision that serves now (LATEST becomes that revision by name), so that an apply's new revision gets
     * no traffic until the canary gives it some. Empty when the service has no ready revision yet.
     */
    public Optional<String> pinServing(ServiceName name) throws InterruptedException {
        Service current = read(name);
        List<TrafficTarget> traffic = current.getTrafficList();
        TrafficTarget only = traffic.size() == 1 && traffic.get(0).getPercent() == 100 ? traffic.get(0) : null;
        if (only != null && only.getType() == TrafficTargetAllocationType.TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION) {
            return Optional.of(only.getRevision());
        }
        if (only == null || current.getLatestReadyRevision().isEmpty()) {
            return Optional.empty(); // a split left by another tool, or nothing ready yet: the canary does not guess
        }
        String serving = RevisionName.parse(current.getLatestReadyRevision()).getRevision();
        route(name, List.of(revisionTarget(serving, 100, "")), serving + "=100 (pinned)", serving);
        return Optional.of(serving);
    }

    /** The newest ready revision's short name; empty before any. */
    public Optional<String> latestReady(ServiceName name) {
        String latest = read(name).getLatestReadyRevision();
        return latest.isEmpty() ? Optional.empty() : Optional.of(RevisionName.parse(latest).getRevision());
    }

    /**
     * {@code percent} of the traffic to {@code candidate} (tagged {@code tag}, so it has a URL of its own even at 0 %),
     * the rest to {@code stable}. Returns the tag's URL as Cloud Run reports it.
     */
    public String split(ServiceName name, String stable, String candidate, int percent, String tag) throws InterruptedException {
        List<TrafficTarget> targets = new ArrayList<>();
        targets.add(revisionTarget(candidate, percent, tag));
        if (percent < 100) {
            targets.add(revisionTarget(stable, 100 - percent, ""));
        }
        route(name, targets, candidate + "=" + percent + (percent < 100 ? ", " + stable + "=" + (100 - percent) : ""), candidate);
        return read(name).getTrafficStatusesList().stream().filter(t -> t.getTag().equals(tag)).map(t -> t.getUri())
                .filter(uri -> !uri.isEmpty()).findFirst().orElseThrow(() -> DeployException.of(
                        "Cloud Run gave the tag " + tag + " of " + name.getService() + " no URL",
                        "The revision " + candidate + " was tagged, but the service reports no URL for the tag. Traffic was not moved"
                                + " beyond the tag."));
    }

    private static TrafficTarget revisionTarget(String revision, int percent, String tag) {
        TrafficTarget.Builder b = TrafficTarget.newBuilder()
                .setType(TrafficTargetAllocationType.TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION).setRevision(revision).setPercent(percent);
        return (tag.isEmpty() ? b : b.setTag(tag)).build();
    }

    private Service read(ServiceName name) {
        try {
            return services.getService(name);
        } catch (ApiException e) {
            throw ApiFailure.of("read the Cloud Run service " + name.getService(), name.toString(), "roles/run.viewer", e);
        }
    }

    private TrafficMove route(ServiceName name, TrafficTarget target, String label) throws InterruptedException {
        return route(name, List.of(target), label + "=100", label);
    }

    /**
     * @param shown the new traffic as the log shows it
     * @param after the revision (or {@code LATEST}) that takes the traffic now, for the {@link TrafficMove}
     */
    private TrafficMove route(ServiceName name, List<TrafficTarget> targets, String shown, String after) throws InterruptedException {
        Service current = read(name);
        List<String> before = current.getTrafficList().stream().map(CloudRunTraffic::describe).toList();
        Service wanted = current.toBuilder().clearTraffic().addAllTraffic(targets).build();
        try {
            Operations.await(services.updateServiceAsync(wanted), timeout);
        } catch (ApiException e) {
            throw ApiFailure.of("move the traffic of " + name.getService(), name.toString(), ROLE, e);
        } catch (TimeoutException e) {
            throw DeployException.of("Moving the traffic of " + name.getService() + " did not finish in " + timeout.toSeconds() + " s",
                    name + "\nCheck the service's traffic in the Cloud Run console; the change may still be rolling out.");
        }
        log.info(name.getService() + ": traffic " + String.join(", ", before) + " -> " + shown);
        return new TrafficMove(name.getService(), before, after);
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
