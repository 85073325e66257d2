package io.mmdeploy.engine.world;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.mmdeploy.engine.diagnostics.DeployException;
import io.mmdeploy.engine.release.ReleaseRecord;
import io.mmdeploy.engine.steps.DeployRun;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Production's canary (the example's rollout: 10 %, 50 %, 100 %, five minutes a hold) in the whole world: the fake
 * Cloud Run keeps the traffic split, the fake Monitoring sees what the split revisions serve, tofu leaves traffic alone.
 */
class CanaryWorldTest {
    @TempDir
    Path dir;
    DeployWorld world;
    final DeployRun.Gatekeeper yes = (env, gate, plan) -> Optional.of("rita");

    @BeforeEach
    void start() throws Exception {
        world = DeployWorld.start(dir, "main");
    }

    @AfterEach
    void stop() {
        world.close();
    }

    String agent() {
        return world.serviceName(world.env("production"), "agent");
    }

    @Test
    void aCanaryThatHoldsEndsWithAllTrafficOnTheNewRevisionAndTheRecordShowsEachStep() throws Exception {
        String before = world.cloud.cloudRun.servingRevision(agent());
        world.canaryServes("production", "agent", percent -> new long[] {percent * 20L, 0, 180});

        DeployRun.Result result = world.checkout("cli:ana@laptop").deploy("production", yes, DeployRun.Progress.NONE);

        assertThat(result.status()).isEqualTo("SUCCEEDED");
        assertThat(world.cloud.cloudRun.traffic(agent())).containsExactly("LATEST=100");
        String after = world.cloud.cloudRun.servingRevision(agent());
        assertThat(after).isNotEqualTo(before);
        ReleaseRecord record = world.assertConverged("production");
        assertThat(record.rollout()).filteredOn(s -> s.service().equals("agent"))
                .extracting(ReleaseRecord.RolloutStep::revision, ReleaseRecord.RolloutStep::percent, ReleaseRecord.RolloutStep::passed)
                .containsExactly(tuple(after, 10, true), tuple(after, 50, true), tuple(after, 100, true));
        assertThat(record.rollout().get(0).analysis()).startsWith("within limits: 0.00 % 5xx of 1000 requests, p95 180 ms");
        assertThat(world.log.lines()).anyMatch(l -> l.contains("Canary at 10 %: holding 300 s before the analysis"));
        world.assertNoSecretLeaked();
    }

    @Test
    void aCanaryThatBreachesAtFiftyPercentEndsWithAllTrafficOnThePreviousRevision() throws Exception {
        String before = world.cloud.cloudRun.servingRevision(agent());
        Map<String, String> servingBefore = world.serving("production");
        // Fine at 10 %; at 50 % one request in ten fails.
        world.canaryServes("production", "agent", percent -> percent < 50 ? new long[] {200, 0, 180} : new long[] {1000, 100, 190});

        assertThatThrownBy(() -> world.checkout("cli:ana@laptop").deploy("production", yes, DeployRun.Progress.NONE))
                .isInstanceOf(DeployException.class)
                .hasMessageContaining("The canary breached its limits; all traffic is back on the previous revisions")
                .hasMessageContaining("agent (");

        assertThat(world.cloud.cloudRun.traffic(agent())).containsExactly(before + "=100");
        assertThat(world.serving("production").get("agent")).isEqualTo(servingBefore.get("agent"));
        ReleaseRecord record = world.newestRecord("production");
        assertThat(record.outcome().failedPhase()).isEqualTo("services-apply");
        assertThat(record.rollout()).filteredOn(s -> s.service().equals("agent"))
                .extracting(ReleaseRecord.RolloutStep::percent, ReleaseRecord.RolloutStep::passed)
                .containsExactly(tuple(10, true), tuple(50, false));
        assertThat(record.rollout()).filteredOn(s -> s.service().equals("agent") && !s.passed()).first()
                .extracting(ReleaseRecord.RolloutStep::analysis).asString().startsWith("5xx 10.00 % above the limit of 1 %");
        // Nothing past the services' apply ran: the gateway still serves what it served.
        assertThat(world.serving("production").get("mesh")).isEqualTo(servingBefore.get("mesh"));
    }
}
