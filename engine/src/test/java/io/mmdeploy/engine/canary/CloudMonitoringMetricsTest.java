package io.mmdeploy.engine.canary;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.google.monitoring.v3.MetricServiceGrpc;
import io.grpc.Status;
import io.mmdeploy.engine.diagnostics.DeployException;
import io.mmdeploy.engine.gcp.GoogleClients;
import io.mmdeploy.engine.gcp.fake.FakeGoogleCloud;
import io.mmdeploy.engine.gcp.fake.FakeMonitoring;
import io.mmdeploy.engine.gcp.fake.Fixtures;
import java.time.Duration;
import java.time.Instant;
import java.util.OptionalDouble;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The real Monitoring client over the fake's time series: what a sample reads, and what it says when it cannot. */
class CloudMonitoringMetricsTest {
    static final String SERVICE = "agent-service-staging";
    static final String OLD = "agent-service-staging-00001-w";
    static final String NEW = "agent-service-staging-00002-w";
    static final Instant T0 = Instant.parse("2026-12-01T09:00:00Z");

    FakeGoogleCloud cloud;
    FakeMonitoring monitoring;
    GoogleClients clients;
    CloudMonitoringMetrics metrics;

    @BeforeEach
    void start() throws Exception {
        cloud = FakeGoogleCloud.start();
        monitoring = cloud.monitoring;
        clients = cloud.clients(Fixtures.PROJECT, Duration.ofMinutes(1));
        metrics = new CloudMonitoringMetrics(clients.monitoring(), Fixtures.PROJECT, Fixtures.REGION);
    }

    @AfterEach
    void stop() {
        clients.close();
        cloud.close();
    }

    void serve(String revision, Instant from, long perMinute, long errorsPerMinute, double p95) {
        monitoring.serve(Fixtures.PROJECT, Fixtures.REGION, SERVICE, revision, from, perMinute, errorsPerMinute, p95);
    }

    RevisionSample sample(String revision, Instant from, Instant to) {
        return metrics.sample(SERVICE, revision, from, to);
    }

    @Test
    void aHealthyRevisionsRequestsAndLatencyOverTheWindow() {
        serve(NEW, T0, 600, 0, 120);

        RevisionSample s = sample(NEW, T0, T0.plus(Duration.ofMinutes(5)));

        assertThat(s.revision()).isEqualTo(NEW);
        assertThat(s.requests()).isEqualTo(3000);
        assertThat(s.serverErrors()).isZero();
        assertThat(s.errorRatio()).isZero();
        assertThat(s.p95Millis()).hasValue(120);
    }

    @Test
    void aSpikeOf5xxGivesTheRatioOfTheWindowItFallsIn() {
        serve(NEW, T0, 600, 0, 120);
        serve(NEW, T0.plus(Duration.ofMinutes(2)), 600, 150, 120);
        serve(NEW, T0.plus(Duration.ofMinutes(3)), 600, 0, 120);

        RevisionSample whole = sample(NEW, T0, T0.plus(Duration.ofMinutes(5)));
        RevisionSample spike = sample(NEW, T0.plus(Duration.ofMinutes(2)), T0.plus(Duration.ofMinutes(3)));
        RevisionSample after = sample(NEW, T0.plus(Duration.ofMinutes(3)), T0.plus(Duration.ofMinutes(5)));

        assertThat(whole.requests()).isEqualTo(3000);
        assertThat(whole.serverErrors()).isEqualTo(150);
        assertThat(whole.errorRatio()).isCloseTo(0.05, within(1e-9));
        assertThat(spike.requests()).isEqualTo(600);
        assertThat(spike.errorRatio()).isCloseTo(0.25, within(1e-9));
        assertThat(after.serverErrors()).isZero();
        assertThat(after.requests()).isEqualTo(1200);
    }

    @Test
    void theP95IsOneOverTheWholeWindowWeightedByRequests() {
        serve(NEW, T0, 100, 0, 100);
        serve(NEW, T0.plus(Duration.ofMinutes(4)), 20, 0, 900);

        // 400 requests at 100 ms, then 20 at 900 ms: over the 5 minutes the 399th fastest took 100 ms; over the last
        // 2 minutes (120 requests) the 114th took 900 ms. A window cut into shorter periods would take their worst.
        assertThat(sample(NEW, T0, T0.plus(Duration.ofMinutes(5))).p95Millis()).hasValue(100);
        assertThat(sample(NEW, T0.plus(Duration.ofMinutes(3)), T0.plus(Duration.ofMinutes(5))).p95Millis()).hasValue(900);
        assertThat(sample(NEW, T0, T0.plus(Duration.ofMinutes(4))).p95Millis()).hasValue(100);
    }

    @Test
    void theSlowestResponseClassSetsTheP95AnUpperBoundOfTheRevisions() {
        // 10 000 requests at 80 ms, then 10 that answered 5xx in 2 s: the revision's own p95 is 80 ms, the p95 of its
        // 5xx series 2 s, and the highest series wins (REDUCE_MAX over ALIGN_PERCENTILE_95).
        serve(NEW, T0, 10_000, 0, 80);
        serve(NEW, T0.plus(Duration.ofMinutes(1)), 10, 10, 2000);

        assertThat(sample(NEW, T0, T0.plus(Duration.ofMinutes(2))).p95Millis()).hasValue(2000);
        assertThat(sample(NEW, T0, T0.plus(Duration.ofMinutes(1))).p95Millis()).hasValue(80);
    }

    @Test
    void aRevisionThatServedNothingIsZeroRequestsAndNoLatencyNotAnError() {
        serve(OLD, T0, 600, 6, 150);
        serve(NEW, T0, 0, 0, 0);

        RevisionSample silent = sample(NEW, T0, T0.plus(Duration.ofMinutes(5)));
        RevisionSample unknown = sample("agent-service-staging-00009-w", T0, T0.plus(Duration.ofMinutes(5)));
        RevisionSample before = sample(OLD, T0.minus(Duration.ofMinutes(10)), T0);

        for (RevisionSample s : new RevisionSample[] {silent, unknown, before}) {
            assertThat(s.requests()).isZero();
            assertThat(s.serverErrors()).isZero();
            assertThat(s.errorRatio()).isZero();
            assertThat(s.p95Millis()).isEqualTo(OptionalDouble.empty());
        }
    }

    @Test
    void theFilterIsolatesOneRevisionFromTheOthers() {
        serve(OLD, T0, 300, 30, 400);
        serve(NEW, T0, 100, 0, 90);
        // The same names in another region and another project, and another service of the same project.
        monitoring.serve(Fixtures.PROJECT, "europe-west1", SERVICE, NEW, T0, 5000, 5000, 9000);
        monitoring.serve("mindmirror-69", Fixtures.REGION, SERVICE, NEW, T0, 7000, 7000, 9000);
        monitoring.serve(Fixtures.PROJECT, Fixtures.REGION, "users-service-staging", NEW, T0, 8000, 8000, 9000);

        RevisionSample fresh = sample(NEW, T0, T0.plus(Duration.ofMinutes(5)));
        RevisionSample previous = sample(OLD, T0, T0.plus(Duration.ofMinutes(5)));

        assertThat(fresh.requests()).isEqualTo(500);
        assertThat(fresh.serverErrors()).isZero();
        assertThat(fresh.p95Millis()).hasValue(90);
        assertThat(previous.requests()).isEqualTo(1500);
        assertThat(previous.serverErrors()).isEqualTo(150);
        assertThat(previous.errorRatio()).isCloseTo(0.1, within(1e-9));
        assertThat(previous.p95Millis()).hasValue(400);
    }

    @Test
    void aDeniedPermissionIsOurMessageNamingThePermissionAndTheRole() {
        serve(NEW, T0, 600, 0, 120);
        cloud.faults.failAlways(MetricServiceGrpc.getListTimeSeriesMethod(), Status.PERMISSION_DENIED.withDescription("The caller does not have permission"));

        assertThatThrownBy(() -> sample(NEW, T0, T0.plus(Duration.ofMinutes(5))))
                .isInstanceOf(DeployException.class)
                .hasMessageContaining("Cannot read the metrics of the Cloud Run revision " + NEW)
                .hasMessageContaining("PERMISSION_DENIED")
                .hasMessageContaining("projects/" + Fixtures.PROJECT)
                .hasMessageContaining("monitoring.timeSeries.list")
                .hasMessageContaining("roles/monitoring.viewer")
                .satisfies(e -> assertThat(e.getStackTrace()).isEmpty());
    }

    @Test
    void aTransientUnavailableIsRetriedByTheClient() {
        serve(NEW, T0, 600, 60, 120);
        cloud.faults.failNext(MetricServiceGrpc.getListTimeSeriesMethod(), Status.UNAVAILABLE, 1);

        RevisionSample s = sample(NEW, T0, T0.plus(Duration.ofMinutes(5)));

        assertThat(s.serverErrors()).isEqualTo(300);
        assertThat(s.requests()).isEqualTo(3000);
        assertThat(cloud.faults.calls(MetricServiceGrpc.getListTimeSeriesMethod())).isEqualTo(3);
    }

    @Test
    void aTimeoutSaysToRunTheStepAgain() {
        cloud.faults.failNext(MetricServiceGrpc.getListTimeSeriesMethod(), Status.DEADLINE_EXCEEDED, 1);

        assertThatThrownBy(() -> sample(NEW, T0, T0.plus(Duration.ofMinutes(5))))
                .isInstanceOf(DeployException.class)
                .hasMessageContaining("DEADLINE_EXCEEDED")
                .hasMessageContaining("run the step again");
    }

    @Test
    void anAnswerMonitoringCallsIncompleteIsRefused() {
        serve(NEW, T0, 600, 0, 120);
        monitoring.reportExecutionError("some data could not be read");

        assertThatThrownBy(() -> sample(NEW, T0, T0.plus(Duration.ofMinutes(5))))
                .isInstanceOf(DeployException.class)
                .hasMessageContaining("incomplete")
                .hasMessageContaining("some data could not be read");
    }

    @Test
    void aWindowShorterThanCloudRunsMinuteIsRefusedBeforeAnyCall() {
        assertThatThrownBy(() -> sample(NEW, T0, T0.plusSeconds(59)))
                .isInstanceOf(DeployException.class)
                .hasMessageContaining("the window is too short")
                .hasMessageContaining("59 s");
        assertThatThrownBy(() -> sample(NEW, T0, T0.minusSeconds(120))).isInstanceOf(DeployException.class);
        assertThat(cloud.faults.calls(MetricServiceGrpc.getListTimeSeriesMethod())).isZero();
    }

    @Test
    void aSampleCountsNoMoreErrorsThanRequests() {
        assertThat(new RevisionSample(NEW, 0, 0, OptionalDouble.empty()).errorRatio()).isZero();
        assertThatThrownBy(() -> new RevisionSample(NEW, 10, 11, OptionalDouble.empty())).isInstanceOf(IllegalArgumentException.class);
    }
}
