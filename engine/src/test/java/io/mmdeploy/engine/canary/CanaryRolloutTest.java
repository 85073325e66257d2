package io.mmdeploy.engine.canary;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import com.google.cloud.run.v2.ServiceName;
import io.mmdeploy.engine.config.RolloutPolicy;
import io.mmdeploy.engine.diagnostics.DeployException;
import io.mmdeploy.engine.gcp.GoogleClients;
import io.mmdeploy.engine.gcp.fake.CapturedLog;
import io.mmdeploy.engine.gcp.fake.FakeCloudRun;
import io.mmdeploy.engine.gcp.fake.FakeGoogleCloud;
import io.mmdeploy.engine.release.ReleaseRecord.RolloutStep;
import io.mmdeploy.engine.release.TestClock;
import io.mmdeploy.engine.traffic.CloudRunTraffic;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The canary on the fake Cloud Run: what the traffic is at each step, and where it ends. */
class CanaryRolloutTest {
    static final String PROJECT = "mindmirror-prod";
    static final String REGION = "us-east4";
    static final String AGENT = FakeCloudRun.serviceName(PROJECT, REGION, "agent-service");
    static final RolloutPolicy POLICY = new RolloutPolicy(List.of(10, 50, 100), Duration.ofMinutes(5),
            new RolloutPolicy.Analysis(2.0, Duration.ofMillis(800), 20));
    static final Instant START = Instant.parse("2026-12-01T09:00:00Z");

    FakeGoogleCloud cloud;
    GoogleClients clients;
    final CapturedLog log = new CapturedLog();
    final TestClock clock = new TestClock(START);
    /** What each revision serves, per minute of a hold: requests, 5xx, p95 ms. */
    final Map<String, long[]> perMinute = new ConcurrentHashMap<>();
    /** The traffic of the agent at every hold. */
    final List<List<String>> trafficAtHolds = new ArrayList<>();
    final List<RolloutStep> steps = new ArrayList<>();
    CanaryRollout rollout;

    @BeforeEach
    void start() throws Exception {
        cloud = FakeGoogleCloud.start();
        clients = cloud.clients(PROJECT, Duration.ofSeconds(10));
        cloud.cloudRun.addService(PROJECT, REGION, "agent-service", "https://agent-service-abc-ue.a.run.app");
        cloud.cloudRun.deployImage(AGENT, "r/agent@sha256:01", START.minusSeconds(3600));
        RevisionMetrics metrics = (service, revision, from, to) -> {
            long[] m = perMinute.getOrDefault(revision, new long[] {0, 0, 0});
            long minutes = Duration.between(from, to).toMinutes();
            return new RevisionSample(revision, m[0] * minutes, m[1] * minutes, m[0] == 0 ? OptionalDouble.empty() : OptionalDouble.of(m[2]));
        };
        rollout = new CanaryRollout(new CloudRunTraffic(clients.services(), clients.revisions(), log.stage("traffic"), Duration.ofSeconds(10)),
                metrics, d -> {
                    trafficAtHolds.add(cloud.cloudRun.traffic(AGENT));
                    clock.advance(d);
                }, clock, log.stage(CanaryRollout.STAGE));
    }

    @AfterEach
    void stop() {
        clients.close();
        cloud.close();
    }

    List<CanaryRollout.Pinned> pinAndApply() throws InterruptedException {
        List<CanaryRollout.Pinned> pinned = rollout.pin(List.of(new CanaryRollout.Target("agent", ServiceName.parse(AGENT))));
        cloud.cloudRun.deployRevision(AGENT, "r/agent@sha256:02", START);
        return pinned;
    }

    @Test
    void theAppliedRevisionGetsNoTrafficUntilTheCanaryGivesItSome() throws Exception {
        List<CanaryRollout.Pinned> pinned = pinAndApply();

        assertThat(pinned).extracting(CanaryRollout.Pinned::stable).containsExactly("agent-service-00001-w");
        assertThat(cloud.cloudRun.traffic(AGENT)).containsExactly("agent-service-00001-w=100");
        assertThat(cloud.cloudRun.servingRevision(AGENT)).isEqualTo("agent-service-00001-w");
    }

    @Test
    void aHealthyCanaryWalksEveryStepAndEndsOnLatest() throws Exception {
        perMinute.put("agent-service-00001-w", new long[] {100, 1, 200});
        perMinute.put("agent-service-00002-w", new long[] {100, 0, 210});
        List<String> taggedUrls = new ArrayList<>();

        rollout.roll(POLICY, pinAndApply(), urls -> {
            taggedUrls.addAll(urls.values());
            return List.of();
        }, steps::add);

        assertThat(taggedUrls).containsExactly("https://canary---agent-service-abc-ue.a.run.app");
        assertThat(trafficAtHolds).containsExactly(
                List.of("agent-service-00002-w=10#canary", "agent-service-00001-w=90"),
                List.of("agent-service-00002-w=50#canary", "agent-service-00001-w=50"));
        assertThat(cloud.cloudRun.traffic(AGENT)).containsExactly("LATEST=100");
        assertThat(cloud.cloudRun.servingRevision(AGENT)).isEqualTo("agent-service-00002-w");
        assertThat(steps).extracting(RolloutStep::percent, RolloutStep::passed)
                .containsExactly(tuple(10, true), tuple(50, true),
                        tuple(100, true));
        assertThat(steps.get(0).analysis()).startsWith("within limits: 0.00 % 5xx of 500 requests, p95 210 ms (previous: 1.00 % 5xx");
    }

    @Test
    void aCanaryThatBreachesMovesAllTrafficBackAndFailsNamingTheNumbers() throws Exception {
        perMinute.put("agent-service-00001-w", new long[] {100, 0, 200});
        perMinute.put("agent-service-00002-w", new long[] {100, 9, 210});

        assertThatThrownBy(() -> rollout.roll(POLICY, pinAndApply(), urls -> List.of(), steps::add))
                .isInstanceOf(DeployException.class)
                .hasMessageContaining("The canary breached its limits; all traffic is back on the previous revisions")
                .hasMessageContaining("agent (agent-service-00002-w) at 10 %: 5xx 9.00 % above the limit of 2 %");

        assertThat(cloud.cloudRun.traffic(AGENT)).containsExactly("agent-service-00001-w=100");
        assertThat(steps).extracting(RolloutStep::percent, RolloutStep::passed).containsExactly(tuple(10, false));
    }

    @Test
    void aSlowCanaryBreachesOnLatency() throws Exception {
        perMinute.put("agent-service-00002-w", new long[] {100, 0, 1500});

        assertThatThrownBy(() -> rollout.roll(POLICY, pinAndApply(), urls -> List.of(), steps::add))
                .hasMessageContaining("p95 1500 ms above the limit of 800 ms");
        assertThat(cloud.cloudRun.traffic(AGENT)).containsExactly("agent-service-00001-w=100");
    }

    @Test
    void aFailedSmokeTestAtTheTaggedUrlSendsNoTrafficThere() throws Exception {
        assertThatThrownBy(() -> rollout.roll(POLICY, pinAndApply(), urls -> List.of("agent ping (GET /ping): status 500"), steps::add))
                .hasMessageContaining("A canary's smoke tests failed").hasMessageContaining("agent ping (GET /ping): status 500");

        assertThat(trafficAtHolds).isEmpty();
        assertThat(cloud.cloudRun.traffic(AGENT)).containsExactly("agent-service-00001-w=100");
    }

    @Test
    void tooFewRequestsPassAndSaySo() throws Exception {
        perMinute.put("agent-service-00002-w", new long[] {2, 2, 5000});

        rollout.roll(POLICY, pinAndApply(), urls -> List.of(), steps::add);

        assertThat(steps.get(0).analysis()).startsWith("not judged: 10 requests, fewer than the 20 the analysis needs");
        assertThat(cloud.cloudRun.traffic(AGENT)).containsExactly("LATEST=100");
    }

    @Test
    void anAbortDuringAHoldMovesTheTrafficBack() throws Exception {
        List<CanaryRollout.Pinned> pinned = pinAndApply();
        CanaryRollout aborted = new CanaryRollout(new CloudRunTraffic(clients.services(), clients.revisions(), log.stage("traffic"),
                Duration.ofSeconds(10)), (s, r, f, t) -> new RevisionSample(r, 0, 0, OptionalDouble.empty()), d -> {
                    throw new InterruptedException("build aborted");
                }, clock, log.stage(CanaryRollout.STAGE));

        assertThatThrownBy(() -> aborted.roll(POLICY, pinned, urls -> List.of(), steps::add)).isInstanceOf(InterruptedException.class);

        assertThat(cloud.cloudRun.traffic(AGENT)).containsExactly("agent-service-00001-w=100");
        assertThat(Thread.interrupted()).as("the interrupt is kept for the caller").isTrue();
    }

    @Test
    void aServiceTheApplyDidNotChangeGoesBackToLatestAtOnce() throws Exception {
        List<CanaryRollout.Pinned> pinned = rollout.pin(List.of(new CanaryRollout.Target("agent", ServiceName.parse(AGENT))));

        rollout.roll(POLICY, pinned, urls -> List.of(), steps::add);

        assertThat(steps).isEmpty();
        assertThat(trafficAtHolds).isEmpty();
        assertThat(cloud.cloudRun.traffic(AGENT)).containsExactly("LATEST=100");
    }
}
