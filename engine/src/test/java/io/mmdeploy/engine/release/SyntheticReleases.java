package io.mmdeploy.engine.release;

import io.mmdeploy.engine.gcp.fake.Fixtures;
import io.mmdeploy.engine.release.ReleaseRecord.Commit;
import io.mmdeploy.engine.release.ReleaseRecord.Kind;
import io.mmdeploy.engine.release.ReleaseRecord.Outcome;
import io.mmdeploy.engine.release.ReleaseRecord.RollbackDetail;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Release records built by hand, for tests that need a history without a cloud. */
final class SyntheticReleases {
    private final List<ReleaseRecord> copies = new ArrayList<>();

    static Instant at(String isoUtc) {
        return Instant.parse(isoUtc + ":00Z");
    }

    /** A deploy: commit time, start, end (null: never ended) and outcome; writes its start copy and its end copy. */
    ReleaseRecord deploy(String id, String committed, String started, String finished, Outcome outcome) {
        ReleaseRecord start = ReleaseRecord.started(id, Kind.DEPLOY, Fixtures.staging(),
                new Commit("c0ffee" + id.substring(id.length() - 1).repeat(2) + "0123456789abcdef0123456789abcdef", "staging", at(committed)),
                at(started));
        copies.add(start);
        if (finished == null) {
            return start;
        }
        ReleaseRecord end = start.finished(outcome, at(finished));
        copies.add(end);
        return end;
    }

    ReleaseRecord rollback(String id, String from, String to, String started, String finished) {
        ReleaseRecord start = ReleaseRecord.started(id, Kind.ROLLBACK, Fixtures.staging(), null, at(started))
                .withRollback(new RollbackDetail(from, to, false));
        copies.add(start);
        ReleaseRecord end = start.finished(Outcome.succeeded(), at(finished));
        copies.add(end);
        return end;
    }

    ReleaseHistory history() {
        return new ReleaseHistory(copies);
    }
}
