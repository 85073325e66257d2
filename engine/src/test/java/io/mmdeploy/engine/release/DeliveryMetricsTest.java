package io.mmdeploy.engine.release;

import static io.mmdeploy.engine.release.SyntheticReleases.at;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.mmdeploy.engine.release.ReleaseRecord.Outcome;
import org.junit.jupiter.api.Test;

class DeliveryMetricsTest {

    /**
     * Window: 30 days to 2026-11-30T00:00Z, so from 2026-10-31T00:00Z. Releases, oldest first:
     * <pre>
     * r0 deploy  started 10-20 (before the window)                                     succeeded
     * r1 deploy  commit 11-01 08:00, 09:00 → 09:20                                      succeeded   lead 1h20 = 4800 s
     * r2 deploy  commit 11-03 10:00, 12:00 → 12:30                                      failed at health
     * r3 deploy  commit 11-03 13:00, 13:30 → 14:00                                      succeeded   lead 1h00 = 3600 s
     * r4 deploy  commit 11-10 09:00, 10:00 → 10:15                                      succeeded   lead 1h15 = 4500 s, rolled back by r5
     * r5 rollback r4 → r3,           11:00 → 11:05                                      succeeded
     * r6 deploy  commit 11-20 08:00, 09:00 → never (crashed)                            in progress, abandoned
     * r7 deploy  commit 11-20 09:30, 10:00 → 10:40                                      succeeded   lead 1h10 = 4200 s
     * r8 deploy  commit 11-28 12:00, 14:00 → 14:10                                      rolled back (failed at health)
     * r9 deploy  commit 11-29 22:00, 23:00 → still running (newest)                     left out
     * </pre>
     * Deployments counted in the window (r9 still runs): r1 r2 r3 r4 r6 r7 r8 = 7; successful: r1 r3 r4 r7 = 4; 4 / 30 days = 0.1333 per day.
     * Lead times 3600, 4200, 4500, 4800: median (4200 + 4500) / 2 = 4350 s; mean 17100 / 4 = 4275 s.
     * Failed changes: r2 (failed), r4 (rolled back later), r6 (abandoned), r8 (rolled back) = 4 of 7 = 0.5714.
     * Time to restore: r2 12:30 → r3 14:00 = 5400 s; r4 10:15 → r5 11:05 = 3000 s; r6 09:00 (its start) → r7 10:40 = 6000 s;
     * r8 has no success after it: not restored. Median of 3000, 5400, 6000 = 5400 s; mean 14400 / 3 = 4800 s.
     */
    static ReleaseHistory november() {
        SyntheticReleases s = new SyntheticReleases();
        s.deploy("20261020-090000-r0", "2026-10-20T08:00", "2026-10-20T09:00", "2026-10-20T09:10", Outcome.succeeded());
        s.deploy("20261101-090000-r1", "2026-11-01T08:00", "2026-11-01T09:00", "2026-11-01T09:20", Outcome.succeeded());
        s.deploy("20261103-120000-r2", "2026-11-03T10:00", "2026-11-03T12:00", "2026-11-03T12:30", Outcome.failed("health", "users"));
        s.deploy("20261103-133000-r3", "2026-11-03T13:00", "2026-11-03T13:30", "2026-11-03T14:00", Outcome.succeeded());
        s.deploy("20261110-100000-r4", "2026-11-10T09:00", "2026-11-10T10:00", "2026-11-10T10:15", Outcome.succeeded());
        s.rollback("20261110-110000-rollback", "20261110-100000-r4", "20261103-133000-r3", "2026-11-10T11:00", "2026-11-10T11:05");
        s.deploy("20261120-090000-r6", "2026-11-20T08:00", "2026-11-20T09:00", null, null);
        s.deploy("20261120-100000-r7", "2026-11-20T09:30", "2026-11-20T10:00", "2026-11-20T10:40", Outcome.succeeded());
        s.deploy("20261128-140000-r8", "2026-11-28T12:00", "2026-11-28T14:00", "2026-11-28T14:10", Outcome.rolledBack("health", "agent"));
        s.deploy("20261129-230000-r9", "2026-11-29T22:00", "2026-11-29T23:00", null, null);
        return s.history();
    }

    static JsonNode tree(Object value) throws Exception {
        return new com.fasterxml.jackson.databind.ObjectMapper().readTree(ReleaseJson.compact(value));
    }

    @Test
    void theFourMetricsOfAHandWorkedHistory() {
        DeliveryMetrics m = DeliveryMetrics.compute("staging", november(), at("2026-11-30T00:00"), 30);

        assertThat(m.from()).isEqualTo(at("2026-10-31T00:00"));
        assertThat(m.deployments()).isEqualTo(7);
        assertThat(m.successfulDeployments()).isEqualTo(4);
        assertThat(m.deploymentsPerDay()).isCloseTo(4.0 / 30, within(1e-9));
        assertThat(m.medianLeadTimeSeconds()).isEqualTo(4350);
        assertThat(m.meanLeadTimeSeconds()).isEqualTo(4275);
        assertThat(m.failedChanges()).isEqualTo(4);
        assertThat(m.changeFailureRate()).isCloseTo(4.0 / 7, within(1e-9));
        assertThat(m.restored()).isEqualTo(3);
        assertThat(m.notRestored()).isEqualTo(1);
        assertThat(m.medianTimeToRestoreSeconds()).isEqualTo(5400);
        assertThat(m.meanTimeToRestoreSeconds()).isEqualTo(4800);
    }

    @Test
    void textAndJsonCarryTheSameNumbers() throws Exception {
        DeliveryMetrics m = DeliveryMetrics.compute("staging", november(), at("2026-11-30T00:00"), 30);

        assertThat(m.text()).contains("4 successful deploy(s), 0.13 per day (7 deploy(s) in all)", "median 1h 12m 30s, mean 1h 11m 15s",
                "57.1% (4 of 7)", "median 1h 30m 0s, mean 1h 20m 0s (3 restored, 1 not restored)");
        JsonNode json = tree(m);
        assertThat(json.get("changeFailureRate").asDouble()).isCloseTo(0.5714, within(1e-4));
        assertThat(json.get("medianLeadTimeSeconds").asLong()).isEqualTo(4350);
        assertThat(json.get("from").asText()).isEqualTo("2026-10-31T00:00:00Z");
    }

    @Test
    void aShortWindowCountsOnlyWhatStartedInIt() {
        // 3 days to 11-30: r8 (rolled back, not restored) only; r9 is still running.
        DeliveryMetrics m = DeliveryMetrics.compute("staging", november(), at("2026-11-30T00:00"), 3);

        assertThat(m.deployments()).isEqualTo(1);
        assertThat(m.successfulDeployments()).isZero();
        assertThat(m.medianLeadTimeSeconds()).isNull();
        assertThat(m.changeFailureRate()).isEqualTo(1.0);
        assertThat(m.notRestored()).isEqualTo(1);
        assertThat(m.text()).contains("median n/a, mean n/a");
    }

    @Test
    void anEmptyWindowHasNoRates() {
        DeliveryMetrics m = DeliveryMetrics.compute("staging", november(), at("2026-12-30T00:00"), 7);

        assertThat(m.deployments()).isZero();
        assertThat(m.changeFailureRate()).isNull();
        assertThat(m.text()).contains("change failure rate    n/a (0 of 0)");
    }

    @Test
    void medianOfAnEvenCountIsTheMeanOfTheMiddleTwo() {
        assertThat(DeliveryMetrics.median(java.util.List.of(10L, 1L, 7L, 3L))).isEqualTo(5L);
        assertThat(DeliveryMetrics.median(java.util.List.of(10L, 1L, 7L))).isEqualTo(7L);
    }
}
