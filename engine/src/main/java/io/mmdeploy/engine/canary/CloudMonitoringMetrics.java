package io.mmdeploy.engine.canary;

import com.google.api.gax.rpc.ApiException;
import com.google.cloud.monitoring.v3.MetricServiceClient;
import com.google.monitoring.v3.Aggregation;
import com.google.monitoring.v3.ListTimeSeriesRequest;
import com.google.monitoring.v3.ProjectName;
import com.google.monitoring.v3.TimeInterval;
import com.google.monitoring.v3.TimeSeries;
import com.google.protobuf.Timestamp;
import io.mmdeploy.engine.diagnostics.DeployException;
import io.mmdeploy.engine.gcp.ApiFailure;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.OptionalDouble;

/**
 * A revision's health from Cloud Monitoring, as Cloud Run reports it on the {@code cloud_run_revision} resource: two
 * {@code ListTimeSeries} calls per sample, each aligned over the whole window.
 * <ul>
 * <li>{@value #REQUEST_COUNT} (DELTA, INT64): ALIGN_DELTA, then REDUCE_SUM grouped by
 * {@code metric.labels.response_code_class}, so one series per class ("2xx", "5xx", …): their sum is every request,
 * the "5xx" series the server errors.</li>
 * <li>{@value #REQUEST_LATENCIES} (DELTA, DISTRIBUTION, ms): ALIGN_PERCENTILE_95 (valid for distributions, gives a
 * DOUBLE gauge), then REDUCE_MAX across the revision's series (one per response code). The result is the highest p95
 * among them: never below the revision's own p95 (each series has 95 % of its requests at or under it, so the whole
 * revision has too), but a rare slow response code can raise it. Percentiles do not add up, and the reducers that
 * would merge distributions give no percentile, so an upper bound is what one call can give.</li>
 * </ul>
 * Cloud Run writes these points once a minute, so a window shorter than a minute is refused; no point at all (a
 * revision that served nothing yet) is a sample of 0 requests and no latency, not an error. The identity needs
 * {@value #PERMISSION} on the project ({@value #ROLE}) and the project the {@value #API} API enabled.
 */
public final class CloudMonitoringMetrics implements RevisionMetrics {
    public static final String REQUEST_COUNT = "run.googleapis.com/request_count";
    public static final String REQUEST_LATENCIES = "run.googleapis.com/request_latencies";
    public static final String PERMISSION = "monitoring.timeSeries.list";
    public static final String ROLE = "roles/monitoring.viewer";
    public static final String API = "monitoring.googleapis.com";
    /** Cloud Monitoring's smallest alignment period, and Cloud Run's sampling interval. */
    public static final Duration SHORTEST_WINDOW = Duration.ofMinutes(1);

    static final String RESPONSE_CODE_CLASS = "response_code_class";

    private final MetricServiceClient client;
    private final String projectId;
    private final String region;

    /**
     * @param client Cloud Monitoring (from {@code GoogleClients.monitoring()})
     * @param projectId the environment's project, where its Cloud Run services write their metrics
     * @param region the services' region: the resource's {@code location} label
     */
    public CloudMonitoringMetrics(MetricServiceClient client, String projectId, String region) {
        this.client = Objects.requireNonNull(client, "client");
        this.projectId = Objects.requireNonNull(projectId, "projectId");
        this.region = Objects.requireNonNull(region, "region");
    }

    @Override
    public RevisionSample sample(String service, String revision, Instant from, Instant to) {
        Duration window = Duration.between(from, to);
        if (window.compareTo(SHORTEST_WINDOW) < 0) {
            throw DeployException.of("Cannot read the metrics of the Cloud Run revision " + revision + ": the window is too short",
                    "The window from " + from + " to " + to + " lasts " + window.toSeconds() + " s. Cloud Run writes its request"
                            + " metrics once a minute, and Cloud Monitoring aligns them over 60 s at least: analyse over 1 minute or more.");
        }
        long requests = 0;
        long serverErrors = 0;
        for (TimeSeries series : list(service, revision, from, to, window, REQUEST_COUNT, Aggregation.Aligner.ALIGN_DELTA,
                Aggregation.Reducer.REDUCE_SUM, "metric.labels." + RESPONSE_CODE_CLASS)) {
            long count = series.getPointsList().stream().mapToLong(p -> p.getValue().getInt64Value()).sum();
            requests += count;
            if ("5xx".equals(series.getMetric().getLabelsMap().get(RESPONSE_CODE_CLASS))) {
                serverErrors += count;
            }
        }
        OptionalDouble p95 = list(service, revision, from, to, window, REQUEST_LATENCIES, Aggregation.Aligner.ALIGN_PERCENTILE_95,
                Aggregation.Reducer.REDUCE_MAX, null).stream()
                .flatMap(series -> series.getPointsList().stream())
                .mapToDouble(p -> p.getValue().getDoubleValue())
                .max();
        return new RevisionSample(revision, requests, serverErrors, p95);
    }

    private List<TimeSeries> list(String service, String revision, Instant from, Instant to, Duration window, String metric,
            Aggregation.Aligner aligner, Aggregation.Reducer reducer, String groupBy) {
        Aggregation.Builder aggregation = Aggregation.newBuilder()
                // One period over the whole window (whole seconds, rounded up so that no point of the window is left out).
                .setAlignmentPeriod(com.google.protobuf.Duration.newBuilder()
                        .setSeconds(window.toSeconds() + (window.toNanosPart() == 0 ? 0 : 1)))
                .setPerSeriesAligner(aligner)
                .setCrossSeriesReducer(reducer);
        if (groupBy != null) {
            aggregation.addGroupByFields(groupBy);
        }
        ListTimeSeriesRequest request = ListTimeSeriesRequest.newBuilder()
                .setName(ProjectName.of(projectId).toString())
                .setFilter("metric.type = " + quoted(metric)
                        + " AND resource.type = \"cloud_run_revision\""
                        + " AND resource.labels.service_name = " + quoted(service)
                        + " AND resource.labels.revision_name = " + quoted(revision)
                        + " AND resource.labels.location = " + quoted(region))
                .setInterval(TimeInterval.newBuilder().setStartTime(timestamp(from)).setEndTime(timestamp(to)))
                .setAggregation(aggregation)
                .setView(ListTimeSeriesRequest.TimeSeriesView.FULL)
                .build();
        List<TimeSeries> out = new ArrayList<>();
        try {
            for (MetricServiceClient.ListTimeSeriesPage page : client.listTimeSeries(request).iteratePages()) {
                // Data that Monitoring itself says may be incomplete must not pass for a healthy revision.
                if (page.getResponse().getExecutionErrorsCount() > 0) {
                    throw DeployException.of("Cannot read the metrics of the Cloud Run revision " + revision + ": Cloud Monitoring's answer is incomplete",
                            metric + " for " + service + " in " + region + " (" + ProjectName.of(projectId) + "): "
                                    + page.getResponse().getExecutionErrors(0).getMessage()
                                    + "\nNo analysis is made on partial data; run the step again.");
                }
                page.getValues().forEach(out::add);
            }
        } catch (ApiException e) {
            throw ApiFailure.of("read the metrics of the Cloud Run revision " + revision + " (" + metric + ")",
                    ProjectName.of(projectId).toString(), ROLE + " (it holds " + PERMISSION + ")", e);
        }
        return out;
    }

    /** A filter's string literal: the names are Cloud Run's ([a-z0-9-]), but a quote in one must not change the filter. */
    private static String quoted(String value) {
        return '"' + value.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }

    private static Timestamp timestamp(Instant at) {
        return Timestamp.newBuilder().setSeconds(at.getEpochSecond()).setNanos(at.getNano()).build();
    }
}
