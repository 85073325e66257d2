package io.mmdeploy.engine.health;

import com.google.api.gax.rpc.ApiException;
import com.google.cloud.run.v2.Condition;
import com.google.cloud.run.v2.Revision;
import com.google.cloud.run.v2.RevisionsClient;
import com.google.cloud.run.v2.Service;
import com.google.cloud.run.v2.ServicesClient;
import com.google.cloud.run.v2.TrafficTarget;
import com.google.cloud.run.v2.TrafficTargetAllocationType;
import java.util.Optional;

/**
 * A worker is up when the revision that serves (has its traffic, so Cloud Run keeps its instances running) has its
 * {@code Ready} condition succeeded, which Cloud Run sets once its containers started (and passed their startup probe).
 * Where traffic follows the latest revision, the newest revision must be that ready one: a new revision that never
 * became ready leaves the old one running, and the deploy did not happen. No request is sent to the service.
 */
public final class CloudRunReadiness implements Readiness {
    private final ServicesClient services;
    private final RevisionsClient revisions;

    public CloudRunReadiness(ServicesClient services, RevisionsClient revisions) {
        this.services = services;
        this.revisions = revisions;
    }

    @Override
    public String notReady(HealthTarget target) {
        try {
            Service service = services.getService(target.service());
            String serving = serving(service);
            if (serving.isEmpty()) {
                return "no revision yet";
            }
            String newest = service.getLatestCreatedRevision();
            if (followsLatest(service) && !newest.isEmpty() && !newest.equals(serving)) {
                return shortName(newest) + " is not Ready" + why(revisions.getRevision(newest)) + " (" + shortName(serving) + " still runs)";
            }
            Revision revision = revisions.getRevision(serving);
            return ready(revision) ? "" : shortName(serving) + " is not Ready" + why(revision);
        } catch (ApiException e) {
            return "Cloud Run: " + e.getStatusCode().getCode();
        }
    }

    private static Optional<Condition> readyCondition(Revision revision) {
        return revision.getConditionsList().stream().filter(c -> c.getType().equals("Ready")).findFirst();
    }

    private static boolean ready(Revision revision) {
        return readyCondition(revision).map(c -> c.getState() == Condition.State.CONDITION_SUCCEEDED).orElse(false);
    }

    private static String why(Revision revision) {
        return readyCondition(revision).map(c -> c.getMessage().isEmpty() ? "" : ": " + c.getMessage()).orElse("");
    }

    private static String shortName(String revision) {
        return revision.substring(revision.lastIndexOf('/') + 1);
    }

    private static boolean followsLatest(Service service) {
        return service.getTrafficList().stream().anyMatch(t -> t.getType() == TrafficTargetAllocationType.TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST);
    }

    /** The revision with the most traffic: a named one, or the latest ready one where traffic follows the latest. */
    private static String serving(Service service) {
        TrafficTarget top = service.getTrafficList().stream().max(java.util.Comparator.comparingInt(TrafficTarget::getPercent)).orElse(null);
        if (top == null || top.getType() == TrafficTargetAllocationType.TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST) {
            return service.getLatestReadyRevision().isEmpty() ? service.getLatestCreatedRevision() : service.getLatestReadyRevision();
        }
        return service.getName() + "/revisions/" + top.getRevision();
    }
}
