package io.mmdeploy.engine.health;

import com.google.api.gax.rpc.ApiException;
import com.google.cloud.run.v2.Condition;
import com.google.cloud.run.v2.Revision;
import com.google.cloud.run.v2.RevisionsClient;
import com.google.cloud.run.v2.Service;
import com.google.cloud.run.v2.ServicesClient;
import java.util.Optional;

/**
 * A worker is up when its newest revision is the one Cloud Run reports ready and that revision's {@code Ready}
 * condition succeeded, which Cloud Run sets once its containers started (and passed their startup probe). No request
 * is sent to the service.
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
            String newest = service.getLatestCreatedRevision();
            if (newest.isEmpty()) {
                return "no revision yet";
            }
            Revision revision = revisions.getRevision(newest);
            Optional<Condition> ready = revision.getConditionsList().stream().filter(c -> c.getType().equals("Ready")).findFirst();
            String shortName = newest.substring(newest.lastIndexOf('/') + 1);
            if (ready.isEmpty() || ready.get().getState() != Condition.State.CONDITION_SUCCEEDED) {
                return shortName + " is not Ready" + ready.map(c -> c.getMessage().isEmpty() ? "" : ": " + c.getMessage()).orElse("");
            }
            if (!newest.equals(service.getLatestReadyRevision())) {
                return shortName + " is not yet the service's latest ready revision";
            }
            return "";
        } catch (ApiException e) {
            return "Cloud Run: " + e.getStatusCode().getCode();
        }
    }
}
