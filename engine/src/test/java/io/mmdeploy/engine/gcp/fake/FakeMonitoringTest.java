package io.mmdeploy.engine.gcp.fake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.api.gax.rpc.ApiException;
import com.google.api.gax.rpc.StatusCode;
import com.google.monitoring.v3.Aggregation;
import com.google.monitoring.v3.ListTimeSeriesRequest;
import com.google.monitoring.v3.TimeInterval;
import com.google.monitoring.v3.TimeSeries;
import com.google.protobuf.Timestamp;
import io.mmdeploy.engine.gcp.GoogleClients;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The fake refuses what the real API refuses, and says so when a request goes beyond what it models. */
class FakeMonitoringTest {
    static final Instant T0 = Instant.parse("2026-12-01T09:00:00Z");
    static final String REVISION = "agent-service-staging-00001-w";

    FakeGoogleCloud cloud;
    GoogleClients clients;

    @BeforeEach
    void start() throws Exception {
        cloud = FakeGoogleCloud.start();
        clients = cloud.clients(Fixtures.PROJECT, Duration.ofMinutes(1));
        cloud.monitoring.serve(Fixtures.PROJECT, Fixtures.REGION, "agent-service-staging", REVISION, T0, 60, 6, 100);
    }

    @AfterEach
    void stop() {
        clients.close();
        cloud.close();
    }

    static ListTimeSeriesRequest request(String filter, long periodSeconds, Aggregation.Aligner aligner, Aggregation.Reducer reducer) {
        return ListTimeSeriesRequest.newBuilder()
                .setName("projects/" + Fixtures.PROJECT)
                .setFilter(filter)
                .setInterval(TimeInterval.newBuilder()
                        .setStartTime(Timestamp.newBuilder().setSeconds(T0.getEpochSecond()))
                        .setEndTime(Timestamp.newBuilder().setSeconds(T0.plus(Duration.ofMinutes(3)).getEpochSecond())))
                .setAggregation(Aggregation.newBuilder()
                        .setAlignmentPeriod(com.google.protobuf.Duration.newBuilder().setSeconds(periodSeconds))
                        .setPerSeriesAligner(aligner)
                        .setCrossSeriesReducer(reducer))
                .build();
    }

    List<TimeSeries> list(ListTimeSeriesRequest request) {
        return java.util.stream.StreamSupport.stream(clients.monitoring().listTimeSeries(request).iterateAll().spliterator(), false).toList();
    }

    StatusCode.Code refusal(ListTimeSeriesRequest request) {
        try {
            list(request);
        } catch (ApiException e) {
            return e.getStatusCode().getCode();
        }
        throw new AssertionError("the fake answered " + request);
    }

    @Test
    void withoutReducerEachResponseCodeIsASeriesWithOnePointPerPeriodNewestFirst() {
        List<TimeSeries> series = list(request("metric.type=\"" + FakeMonitoring.REQUEST_COUNT + "\"", 60,
                Aggregation.Aligner.ALIGN_DELTA, Aggregation.Reducer.REDUCE_NONE));

        assertThat(series).extracting(s -> s.getMetric().getLabelsMap().get("response_code")).containsExactlyInAnyOrder("200", "500");
        TimeSeries ok = series.stream().filter(s -> s.getMetric().getLabelsMap().get("response_code").equals("200")).findFirst().orElseThrow();
        assertThat(ok.getResource().getLabelsMap()).containsEntry("revision_name", REVISION).containsEntry("location", Fixtures.REGION);
        assertThat(ok.getPointsList()).extracting(p -> p.getValue().getInt64Value()).containsExactly(54L, 54L, 54L);
        assertThat(ok.getPoints(0).getInterval().getEndTime().getSeconds()).isEqualTo(T0.plus(Duration.ofMinutes(3)).getEpochSecond());
    }

    @Test
    void whatTheRealApiRefusesIsInvalidWhatTheFakeDoesNotModelIsUnimplemented() {
        String counts = "metric.type = \"" + FakeMonitoring.REQUEST_COUNT + "\"";
        String latencies = "metric.type = \"" + FakeMonitoring.REQUEST_LATENCIES + "\"";
        Aggregation.Aligner delta = Aggregation.Aligner.ALIGN_DELTA;
        Aggregation.Aligner p95 = Aggregation.Aligner.ALIGN_PERCENTILE_95;

        assertThat(refusal(request(counts, 30, delta, Aggregation.Reducer.REDUCE_SUM))).isEqualTo(StatusCode.Code.INVALID_ARGUMENT);
        assertThat(refusal(request(counts, 60, p95, Aggregation.Reducer.REDUCE_MAX))).isEqualTo(StatusCode.Code.INVALID_ARGUMENT);
        assertThat(refusal(request(latencies, 60, delta, Aggregation.Reducer.REDUCE_MAX))).isEqualTo(StatusCode.Code.INVALID_ARGUMENT);
        assertThat(refusal(request("resource.type = \"cloud_run_revision\"", 60, delta, Aggregation.Reducer.REDUCE_SUM)))
                .isEqualTo(StatusCode.Code.INVALID_ARGUMENT);
        assertThat(refusal(request(counts + " OR resource.labels.location = \"x\"", 60, delta, Aggregation.Reducer.REDUCE_SUM)))
                .isEqualTo(StatusCode.Code.UNIMPLEMENTED);
        assertThat(refusal(request(counts + " AND resource.labels.service_name = starts_with(\"agent\")", 60, delta,
                Aggregation.Reducer.REDUCE_SUM))).isEqualTo(StatusCode.Code.UNIMPLEMENTED);
        assertThat(refusal(request(counts, 60, Aggregation.Aligner.ALIGN_RATE, Aggregation.Reducer.REDUCE_SUM)))
                .isEqualTo(StatusCode.Code.UNIMPLEMENTED);
        assertThat(refusal(request(latencies, 60, p95, Aggregation.Reducer.REDUCE_MEAN))).isEqualTo(StatusCode.Code.UNIMPLEMENTED);
    }
}
