package io.mmdeploy.engine.release;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mmdeploy.engine.gcp.fake.Fixtures;
import io.mmdeploy.engine.release.ReleaseRecord.ImageRecord;
import io.mmdeploy.engine.release.ReleaseRecord.Kind;
import io.mmdeploy.engine.release.ReleaseRecord.Outcome;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ReleaseRecordTest {
    static final String DIGEST = "sha256:" + "e".repeat(64);

    @Test
    void imageReferencesAsRevisionsCarryThem() {
        assertThat(ImageRecord.parse("us-east4-docker.pkg.dev/p/r/agent-service@" + DIGEST))
                .isEqualTo(new ImageRecord("us-east4-docker.pkg.dev/p/r/agent-service", null, DIGEST));
        assertThat(ImageRecord.parse("us-east4-docker.pkg.dev/p/r/agent-service:staging-abc1234"))
                .isEqualTo(new ImageRecord("us-east4-docker.pkg.dev/p/r/agent-service", "staging-abc1234", null));
        // A registry port is not a tag.
        assertThat(ImageRecord.parse("localhost:5000/agent")).isEqualTo(new ImageRecord("localhost:5000/agent", null, null));
        assertThat(new ImageRecord("r/a", "t", DIGEST).ref()).isEqualTo("r/a@" + DIGEST);
        assertThat(new ImageRecord("r/a", "t", null).ref()).isEqualTo("r/a:t");
    }

    @Test
    void idsSortByStartTime() {
        String early = ReleaseRecord.newId(Instant.parse("2026-11-02T09:00:00Z"), "abc1234");
        String later = ReleaseRecord.newId(Instant.parse("2026-11-10T08:59:59Z"), "rollback");

        assertThat(early).isEqualTo("20261102-090000-abc1234");
        assertThat(later).isEqualTo("20261110-085959-rollback");
        assertThat(early.compareTo(later)).isNegative();
    }

    @Test
    void outcomesReadAsTheBriefSaysThem() {
        assertThat(Outcome.succeeded().describe()).isEqualTo("succeeded");
        assertThat(Outcome.failed("migrations", "x").describe()).isEqualTo("failed at migrations");
        assertThat(Outcome.rolledBack("health", "x").describe()).isEqualTo("rolled back (failed at health)");
        assertThat(Outcome.inProgress().describe()).isEqualTo("in progress");
    }

    @Test
    void aFinishedRecordNeedsAFinalStatus() {
        ReleaseRecord started = ReleaseRecord.started("20261102-090000-abc1234", Kind.DEPLOY, Fixtures.staging(), null, Instant.EPOCH);

        assertThatThrownBy(() -> started.finished(Outcome.inProgress(), Instant.EPOCH)).isInstanceOf(IllegalArgumentException.class);
        assertThat(started.finished(Outcome.succeeded(), Instant.EPOCH.plusSeconds(60)).finishedAt()).isEqualTo(Instant.EPOCH.plusSeconds(60));
    }
}
