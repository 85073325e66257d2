package io.mmdeploy.engine.release;

import static org.assertj.core.api.Assertions.assertThat;

import io.mmdeploy.engine.release.ReleaseRecord.Status;
import org.junit.jupiter.api.Test;

class ReleaseHistoryTest {
    final ReleaseHistory history = DeliveryMetricsTest.november();

    @Test
    void listsEachReleaseOnceNewestFirstWithItsLatestCopy() {
        assertThat(history.newestFirst()).hasSize(10);
        assertThat(history.newestFirst().get(0).id()).isEqualTo("20261129-230000-r9");
        assertThat(history.find("20261103-120000-r2").orElseThrow().outcome().status()).isEqualTo(Status.FAILED);
        assertThat(history.find("20261120-090000-r6").orElseThrow().inProgress()).isTrue();
    }

    @Test
    void findsTheLastSuccessBeforeARelease() {
        assertThat(history.lastSucceededBefore("20261103-133000-r3").orElseThrow().id()).isEqualTo("20261101-090000-r1");
        assertThat(history.lastSucceededBefore("20261120-100000-r7").orElseThrow().id()).isEqualTo("20261110-110000-rollback");
        assertThat(history.lastSucceededBefore("20261020-090000-r0")).isEmpty();
        assertThat(history.lastSucceeded().orElseThrow().id()).isEqualTo("20261120-100000-r7");
    }

    @Test
    void previousIsTheSuccessBeforeWhatIsLive() {
        // The newest (r9) is running; before it, the last success is r7 (r8 was rolled back).
        assertThat(history.previous().orElseThrow().id()).isEqualTo("20261120-100000-r7");
    }

    @Test
    void knowsWhichRollbackMovedAwayFromARelease() {
        assertThat(history.rolledBackBy("20261110-100000-r4").orElseThrow().id()).isEqualTo("20261110-110000-rollback");
        assertThat(history.rolledBackBy("20261103-133000-r3")).isEmpty();
    }
}
