package io.mmdeploy.engine.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.mmdeploy.engine.config.HealthSpec;
import io.mmdeploy.engine.gcp.GoogleClients;
import io.mmdeploy.engine.gcp.fake.CapturedLog;
import io.mmdeploy.engine.gcp.fake.FakeCloudRun;
import io.mmdeploy.engine.gcp.fake.FakeGoogleCloud;
import io.mmdeploy.engine.run.ParallelRunner;
import java.net.http.HttpClient;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A worker's health (kind: ready) is its newest revision's Ready condition in Cloud Run, asked with the usual tries. */
class CloudRunReadinessTest {
    static final String PROJECT = "mindmirror-staging";
    static final String SERVICE = FakeCloudRun.serviceName(PROJECT, "us-east4", "celery-worker-staging");
    static final HealthSpec READY = new HealthSpec(HealthSpec.DEFAULT_PATH, 3, Duration.ofSeconds(10), HealthSpec.Kind.READY);

    FakeGoogleCloud cloud;
    GoogleClients clients;
    final CapturedLog log = new CapturedLog();
    final List<Duration> slept = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        cloud = FakeGoogleCloud.start();
        clients = cloud.clients(PROJECT, Duration.ofSeconds(10));
        // The URL goes nowhere: a request to it would fail the check.
        cloud.cloudRun.addService(PROJECT, "us-east4", "celery-worker-staging", "http://127.0.0.1:1/celery-worker-staging");
    }

    @AfterEach
    void stop() {
        clients.close();
        cloud.close();
    }

    HealthReport check() throws InterruptedException {
        HealthCheck check = new HealthCheck(HttpClient.newHttpClient(), slept::add, new ParallelRunner(2), log.stage(HealthCheck.STAGE),
                Duration.ofSeconds(1), new CloudRunReadiness(clients.services(), clients.revisions()));
        return check.check(List.of(new HealthTarget("celery-worker", null, READY, null, SERVICE)));
    }

    @Test
    void aReadyNewestRevisionIsHealthyAtTheFirstAsk() throws Exception {
        cloud.cloudRun.deployImage(SERVICE, "r/celery-worker@sha256:aa", Instant.parse("2026-12-01T09:00:00Z"));

        HealthReport report = check();

        assertThat(report.healthy()).isTrue();
        assertThat(report.results().get(0).attempts()).isEqualTo(1);
        assertThat(report.results().get(0).url()).as("where it was asked").isEqualTo(SERVICE);
        assertThat(slept).isEmpty();
    }

    @Test
    void aNewestRevisionThatNeverBecameReadyIsUnhealthyAfterEveryTry() throws Exception {
        cloud.cloudRun.deployImage(SERVICE, "r/celery-worker@sha256:aa", Instant.parse("2026-12-01T09:00:00Z"));
        cloud.cloudRun.addFailedRevision(SERVICE, "r/celery-worker@sha256:bb", Instant.parse("2026-12-01T09:05:00Z"));

        HealthReport report = check();

        HealthResult result = report.results().get(0);
        assertThat(result.healthy()).isFalse();
        assertThat(result.attempts()).isEqualTo(READY.waits().size() + 1);
        assertThat(result.detail()).isEqualTo(
                "celery-worker-staging-00002-w is not Ready: Container failed to start (celery-worker-staging-00001-w still runs)");
        assertThat(slept).isNotEmpty();
    }

    @Test
    void aServiceWithoutARevisionIsNotReady() throws Exception {
        assertThat(check().results().get(0).detail()).isEqualTo("no revision yet");
    }
}
