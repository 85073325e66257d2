package io.mmdeploy.engine.release;

import io.mmdeploy.engine.traffic.RevisionInfo;
import java.util.List;
import java.util.Optional;

/**
 * A Cloud Run service as it is now.
 *
 * @param name the config's name of the service (or gateway)
 * @param cloudRunService the Cloud Run service
 * @param url its URL
 * @param traffic where its traffic goes, each revision resolved (a LATEST target becomes the newest ready revision)
 * @param revisions all its revisions, newest first
 */
public record LiveService(String name, String cloudRunService, String url, List<Split> traffic, List<RevisionInfo> revisions) {
    public LiveService {
        traffic = List.copyOf(traffic);
        revisions = List.copyOf(revisions);
    }

    /** One traffic target: a revision (null when a LATEST target has no ready revision) and its percent. */
    public record Split(String revision, int percent) {
        @Override
        public String toString() {
            return (revision == null ? "(no ready revision)" : revision) + "=" + percent;
        }
    }

    /** The revision that takes all the traffic, if one does. */
    public Optional<String> soleRevision() {
        return traffic.stream().filter(s -> s.percent() == 100 && s.revision() != null).map(Split::revision).findFirst();
    }

    public Optional<RevisionInfo> revision(String revisionName) {
        return revisions.stream().filter(r -> r.name().equals(revisionName)).findFirst();
    }
}
