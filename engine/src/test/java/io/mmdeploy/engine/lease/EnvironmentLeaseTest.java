package io.mmdeploy.engine.lease;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.cloud.storage.BlobId;
import io.mmdeploy.engine.diagnostics.DeployException;
import io.mmdeploy.engine.gcp.GoogleClients;
import io.mmdeploy.engine.gcp.fake.CapturedLog;
import io.mmdeploy.engine.gcp.fake.FakeGoogleCloud;
import io.mmdeploy.engine.port.Sleeper;
import io.mmdeploy.engine.release.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The lease over the real google-cloud-storage client and the fake Storage: preconditions decide, not our code's memory. */
class EnvironmentLeaseTest {
    static final String BUCKET = "mindmirror-staging-tfstate";
    static final String OBJECT = "mindmirror/staging/mm-deploy.lease";

    FakeGoogleCloud cloud;
    GoogleClients clients;
    final TestClock clock = new TestClock(Instant.parse("2026-12-01T10:00:00Z"));
    final CapturedLog log = new CapturedLog();
    final List<Duration> slept = new ArrayList<>();
    /** Waiting moves the test clock, so a wait ends by the clock, as it does for real. */
    final Sleeper sleeper = d -> {
        slept.add(d);
        clock.advance(d);
    };

    @BeforeEach
    void start() throws Exception {
        cloud = FakeGoogleCloud.start();
        cloud.storage.addBucket(BUCKET, "1234567890");
        clients = cloud.clients("mindmirror-staging", Duration.ofMinutes(1));
    }

    @AfterEach
    void stop() {
        clients.close();
        cloud.close();
    }

    EnvironmentLease lease() {
        return new EnvironmentLease(clients.storage(), BlobId.of(BUCKET, OBJECT), "staging", clock, sleeper, log.stage(EnvironmentLease.STAGE));
    }

    @Test
    void theFirstRunTakesItAndASecondRunFailsNamingTheHolderAfterItsWait() throws Exception {
        Lease first = lease().acquire("cli:ana@laptop", "20261201-100000-abc1234", Duration.ZERO, false);
        assertThat(cloud.storage.objectMetadata(BUCKET, OBJECT)).containsEntry("mm-holder", "cli:ana@laptop")
                .containsEntry("mm-release", "20261201-100000-abc1234").containsEntry("mm-expires", "2026-12-01T10:30:00Z");

        assertThatThrownBy(() -> lease().acquire("jenkins:deploy/staging#7", "20261201-100100-def5678", Duration.ofSeconds(30), false))
                .isInstanceOfSatisfying(DeployException.class, e -> {
                    assertThat(e.diagnostics().get(0).summary()).isEqualTo("staging is being changed by another run: cli:ana@laptop");
                    assertThat(e.diagnostics().get(0).detail()).contains("release 20261201-100000-abc1234").contains("waited 30 s")
                            .contains("Nothing was changed");
                });
        assertThat(slept).isNotEmpty();
        // The loser changed nothing: the lease is still the first run's.
        assertThat(cloud.storage.objectMetadata(BUCKET, OBJECT)).containsEntry("mm-holder", "cli:ana@laptop");

        first.close();
        assertThat(cloud.storage.objectMetadata(BUCKET, OBJECT)).isNull();
        lease().acquire("jenkins:deploy/staging#7", "20261201-100100-def5678", Duration.ZERO, false).close();
    }

    @Test
    void aWaitingRunTakesTheLeaseWhenTheHolderGivesItBack() throws Exception {
        Lease first = lease().acquire("cli:ana@laptop", "r1", Duration.ZERO, false);
        List<Duration> waits = new ArrayList<>();
        EnvironmentLease second = new EnvironmentLease(clients.storage(), BlobId.of(BUCKET, OBJECT), "staging", clock, d -> {
            waits.add(d);
            first.close();
        }, log.stage(EnvironmentLease.STAGE));

        Lease taken = second.acquire("cli:bo@desk", "r2", Duration.ofMinutes(5), false);

        assertThat(waits).hasSize(1);
        assertThat(second.current()).hasValueSatisfying(h -> assertThat(h.holder()).isEqualTo("cli:bo@desk"));
        taken.close();
    }

    @Test
    void theSameReleaseTakesItsOwnLeaseOverAndRenewsIt() throws Exception {
        lease().acquire("jenkins:deploy/staging#7", "r1", Duration.ZERO, false);
        clock.advance(Duration.ofMinutes(20));

        Lease again = lease().acquire("jenkins:deploy/staging#7", "r1", Duration.ZERO, false);

        assertThat(cloud.storage.objectMetadata(BUCKET, OBJECT)).containsEntry("mm-expires", "2026-12-01T10:50:00Z")
                .containsEntry("mm-started", "2026-12-01T10:00:00Z");
        again.close();
    }

    @Test
    void aLeaseThisRunHeldIsRenewedInOneRequestAndOneTakenSinceIsNot() throws Exception {
        Lease mine = lease().acquire("cli:ana@laptop", "r1", Duration.ZERO, false);
        clock.advance(Duration.ofMinutes(10));
        int before = cloud.storage.requests().size();

        Lease next = lease().acquire("cli:ana@laptop", "r1", Duration.ZERO, false, mine);

        assertThat(cloud.storage.requests().subList(before, cloud.storage.requests().size())).hasSize(1);
        assertThat(cloud.storage.objectMetadata(BUCKET, OBJECT)).containsEntry("mm-expires", "2026-12-01T10:40:00Z");

        // Broken as stale and taken by another run: what this run held proves nothing, and it is refused as anyone is.
        clock.advance(Duration.ofMinutes(31));
        Lease bo = lease().acquire("cli:bo@desk", "r2", Duration.ZERO, true);
        assertThatThrownBy(() -> lease().acquire("cli:ana@laptop", "r1", Duration.ZERO, false, next))
                .hasMessageContaining("staging is being changed by another run: cli:bo@desk");
        assertThat(cloud.storage.objectMetadata(BUCKET, OBJECT)).containsEntry("mm-holder", "cli:bo@desk");

        // Given back: the run takes it anew.
        bo.close();
        lease().acquire("cli:ana@laptop", "r1", Duration.ZERO, false, next).close();
    }

    /** The phases that start together (the builds, the gateway's build, the migrations) each ask before changing anything. */
    @Test
    void phasesThatAskAtOnceShareOneRenewalAndALaterPhaseRenewsAgain() throws Exception {
        Lease mine = lease().acquire("cli:ana@laptop", "r1", Duration.ZERO, false);
        clock.advance(Duration.ofMinutes(10));
        int before = cloud.storage.requests().size();
        cloud.storage.latency(Duration.ofMillis(300));
        java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.ExecutorService phases = java.util.concurrent.Executors.newFixedThreadPool(3);
        try {
            List<java.util.concurrent.Future<Lease>> asked = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                asked.add(phases.submit(() -> {
                    go.await();
                    return lease().acquire("cli:ana@laptop", "r1", Duration.ZERO, false, mine);
                }));
            }
            go.countDown();
            for (java.util.concurrent.Future<Lease> f : asked) {
                assertThat(f.get()).isSameAs(mine);
            }
        } finally {
            phases.shutdownNow();
            cloud.storage.latency(Duration.ZERO);
        }
        assertThat(cloud.storage.requests().subList(before, cloud.storage.requests().size())).hasSize(1);
        assertThat(cloud.storage.objectMetadata(BUCKET, OBJECT)).containsEntry("mm-expires", "2026-12-01T10:40:00Z");

        // A phase that asks after that renewal ended makes its own: each phase still proves the lease before it changes anything.
        clock.advance(Duration.ofMinutes(1));
        lease().acquire("cli:ana@laptop", "r1", Duration.ZERO, false, mine);
        assertThat(cloud.storage.requests().subList(before, cloud.storage.requests().size())).hasSize(2);
        assertThat(cloud.storage.objectMetadata(BUCKET, OBJECT)).containsEntry("mm-expires", "2026-12-01T10:41:00Z");
        mine.close();
    }

    @Test
    void aStaleLeaseIsRefusedUnlessBrokenOnRequestAndBreakingItIsLogged() throws Exception {
        lease().acquire("cli:ana@laptop", "r1", Duration.ZERO, false);
        clock.advance(Duration.ofMinutes(31));

        assertThatThrownBy(() -> lease().acquire("cli:bo@desk", "r2", Duration.ofMinutes(5), false))
                .hasMessageContaining("The lease of staging is stale: cli:ana@laptop").hasMessageContaining("--break-lease");
        assertThat(slept).isEmpty();

        Lease taken = lease().acquire("cli:bo@desk", "r2", Duration.ZERO, true);
        assertThat(log.lines()).anyMatch(l -> l.contains("Breaking the stale lease of staging held by cli:ana@laptop"));
        assertThat(cloud.storage.objectMetadata(BUCKET, OBJECT)).containsEntry("mm-holder", "cli:bo@desk");
        taken.close();
    }

    @Test
    void aRunWhoseLeaseWasBrokenStopsAtItsNextRenewal() throws Exception {
        Lease mine = lease().acquire("cli:ana@laptop", "r1", Duration.ZERO, false);
        clock.advance(Duration.ofMinutes(31));
        lease().acquire("cli:bo@desk", "r2", Duration.ZERO, true);

        assertThatThrownBy(mine::renew).hasMessageContaining("The lease of staging was lost")
                .hasMessageContaining("it is now held by cli:bo@desk");
        // Giving back a lease one no longer holds does not delete the other run's.
        mine.close();
        assertThat(cloud.storage.objectMetadata(BUCKET, OBJECT)).containsEntry("mm-holder", "cli:bo@desk");
    }

    @Test
    void whileAPhaseRunsTheLeaseIsRenewedOnItsOwnAndARenewalThatFindsItGoneIsSaid() throws Exception {
        Lease held = lease().acquire("cli:ana@laptop", "r1", Duration.ZERO, false);
        clock.advance(Duration.ofMinutes(25));

        try (Lease.KeptAlive alive = Lease.keepAlive(held, log.stage(EnvironmentLease.STAGE), Duration.ofMillis(10))) {
            awaitUntil(() -> "2026-12-01T10:55:00Z".equals(cloud.storage.objectMetadata(BUCKET, OBJECT).get("mm-expires")));
        }
        clock.advance(Duration.ofMinutes(1));
        Thread.sleep(50);
        // Closed: no renewal after it (the expiry would name 10:56).
        assertThat(cloud.storage.objectMetadata(BUCKET, OBJECT)).containsEntry("mm-expires", "2026-12-01T10:55:00Z");

        // r1's run is taken for dead (expired) and its lease broken: its next renewal must notice.
        clock.advance(Duration.ofMinutes(30));
        lease().acquire("cli:bob@desk", "r2", Duration.ZERO, true);
        try (Lease.KeptAlive alive = Lease.keepAlive(held, log.stage(EnvironmentLease.STAGE), Duration.ofMillis(10))) {
            awaitUntil(() -> log.text().contains("Could not renew the lease of release r1"));
        }
        assertThat(cloud.storage.objectMetadata(BUCKET, OBJECT)).containsEntry("mm-holder", "cli:bob@desk");
        assertThat(Lease.keepAlive(null, log.stage(EnvironmentLease.STAGE))).isNotNull();
    }

    private static void awaitUntil(java.util.function.BooleanSupplier condition) throws InterruptedException {
        for (int i = 0; i < 500 && !condition.getAsBoolean(); i++) {
            Thread.sleep(10);
        }
        assertThat(condition.getAsBoolean()).as("reached within 5 s").isTrue();
    }
}
