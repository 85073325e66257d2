package io.mmdeploy.engine.gcp.fake;

import com.google.api.Metric;
import com.google.api.MetricDescriptor;
import com.google.api.MonitoredResource;
import com.google.monitoring.v3.Aggregation;
import com.google.monitoring.v3.ListTimeSeriesRequest;
import com.google.monitoring.v3.ListTimeSeriesResponse;
import com.google.monitoring.v3.MetricServiceGrpc;
import com.google.monitoring.v3.Point;
import com.google.monitoring.v3.TimeInterval;
import com.google.monitoring.v3.TimeSeries;
import com.google.monitoring.v3.TypedValue;
import com.google.protobuf.Timestamp;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * Cloud Monitoring's {@code ListTimeSeries} over what the Cloud Run revisions served, as Cloud Run writes it on the
 * {@code cloud_run_revision} resource (labels project_id, service_name, revision_name, location, configuration_name):
 * every whole minute in which a revision answered requests is one point per response code ("200" of class "2xx",
 * "500" of class "5xx") of {@code run.googleapis.com/request_count} (DELTA, INT64) and of
 * {@code run.googleapis.com/request_latencies} (DELTA, DISTRIBUTION), ending at the minute's end. A minute without
 * requests has no point, as on Cloud Run.
 *
 * <p>A test says what a revision serves with {@link #serve}: a rate per minute from an instant on, until the next
 * {@code serve} of the same revision (a rate of 0 stops it). Every request of a minute is taken to last that rate's
 * {@code p95Millis}, so the p95 over several minutes is the 95th percentile (nearest rank) of their latencies weighted
 * by their requests.
 *
 * <p>The request is read as the real API reads it: {@code name} {@code projects/<id>}; a filter of
 * {@code selector = "value"} clauses joined by AND over {@code metric.type} (exactly one), {@code resource.type},
 * {@code resource.labels.*} and {@code metric.labels.*} ({@code .label.} too); the interval, a point belonging to it when
 * its end falls in (start, end]; alignment periods of {@code alignment_period} (60 s at least) counted back from the
 * interval's end; ALIGN_DELTA (counts) or ALIGN_PERCENTILE_95 (latencies); REDUCE_NONE, REDUCE_SUM or REDUCE_MAX over
 * {@code group_by_fields}; the answer's points newest first, in one page. What the real API refuses (a period under
 * 60 s, an aligner or reducer that does not fit the value type, a reducer without an aligner, no metric type) is
 * INVALID_ARGUMENT; what the real API takes but this fake does not model (raw distributions, other aligners, reducers
 * and filter operators, paging) is UNIMPLEMENTED, so that a change in the client's request fails here instead of passing
 * unread. The messages are the fake's own, not the real service's wording.
 */
public final class FakeMonitoring extends MetricServiceGrpc.MetricServiceImplBase {
    public static final String REQUEST_COUNT = "run.googleapis.com/request_count";
    public static final String REQUEST_LATENCIES = "run.googleapis.com/request_latencies";
    private static final Duration MINUTE = Duration.ofMinutes(1);

    private record Revision(String project, String location, String service, String revision) {}

    private record Rate(long requests, long errors5xx, double p95Millis) {}

    /** One response code's requests in one minute, ending at {@code end}. */
    private record RawPoint(Instant end, long count, double latencyMillis) {}

    private record RawSeries(Map<String, String> resource, Map<String, String> metric, List<RawPoint> points) {}

    /** An aligned or reduced series: one value per period, by the period's end. */
    private record Aligned(Map<String, String> resource, Map<String, String> metric, NavigableMap<Instant, Double> values) {}

    private final Map<Revision, NavigableMap<Instant, Rate>> served = new ConcurrentHashMap<>();
    private volatile String executionError;

    FakeMonitoring() {}

    /**
     * From {@code from} on, every minute the revision answers {@code requestsPerMinute} requests, of which
     * {@code errors5xxPerMinute} with a 5xx, each in {@code p95Millis}; until the next {@code serve} of the revision.
     * A minute takes the rate in force at its start (minutes are whole UTC minutes).
     *
     * @param region the service's region (the resource's {@code location})
     * @param service the Cloud Run service's name
     * @param revision the revision's short name
     */
    public void serve(String project, String region, String service, String revision, Instant from,
            long requestsPerMinute, long errors5xxPerMinute, double p95Millis) {
        if (errors5xxPerMinute < 0 || errors5xxPerMinute > requestsPerMinute || p95Millis < 0) {
            throw new IllegalArgumentException("a revision serves 0 <= errors <= requests, with a latency >= 0");
        }
        served.computeIfAbsent(new Revision(project, region, service, revision), k -> new ConcurrentSkipListMap<>())
                .put(from, new Rate(requestsPerMinute, errors5xxPerMinute, p95Millis));
    }

    /** Every answer from now on carries this execution error (Monitoring's "data may be incomplete"); null for none. */
    public void reportExecutionError(String message) {
        executionError = message;
    }

    @Override
    public void listTimeSeries(ListTimeSeriesRequest request, StreamObserver<ListTimeSeriesResponse> response) {
        try {
            ListTimeSeriesResponse.Builder out = ListTimeSeriesResponse.newBuilder().addAllTimeSeries(answer(request));
            if (executionError != null) {
                out.addExecutionErrors(com.google.rpc.Status.newBuilder().setCode(Status.Code.UNAVAILABLE.value()).setMessage(executionError));
            }
            response.onNext(out.build());
            response.onCompleted();
        } catch (StatusRuntimeException e) {
            response.onError(e);
        }
    }

    private List<TimeSeries> answer(ListTimeSeriesRequest request) {
        if (!request.getName().startsWith("projects/")) {
            throw invalid("name must be projects/<id>, got " + request.getName());
        }
        if (request.getView() != ListTimeSeriesRequest.TimeSeriesView.FULL || !request.getPageToken().isEmpty()
                || !request.getOrderBy().isEmpty() || request.hasSecondaryAggregation()) {
            throw unimplemented("only view FULL, one page, no order_by and no secondary aggregation are modelled");
        }
        if (!request.getInterval().hasEndTime()) {
            throw invalid("interval.end_time is required");
        }
        Instant end = instant(request.getInterval().getEndTime());
        Instant start = request.getInterval().hasStartTime() ? instant(request.getInterval().getStartTime()) : end;
        if (start.isAfter(end)) {
            throw invalid("interval.start_time is after interval.end_time");
        }
        Map<String, String> filter = new LinkedHashMap<>();
        for (String[] clause : clauses(request.getFilter())) {
            if (filter.put(clause[0], clause[1]) != null) {
                throw unimplemented("the filter names " + clause[0] + " twice");
            }
        }
        String metric = filter.remove("metric.type");
        if (metric == null) {
            throw invalid("the filter must specify a single metric type");
        }
        if (!metric.equals(REQUEST_COUNT) && !metric.equals(REQUEST_LATENCIES)) {
            throw invalid("cannot find a metric of type " + metric);
        }
        boolean distribution = metric.equals(REQUEST_LATENCIES);
        String resourceType = filter.remove("resource.type");
        // Every other selector must be a label of the resource or the metric.
        filter.keySet().forEach(FakeMonitoring::label);
        String project = request.getName().substring("projects/".length());
        List<RawSeries> matching = new ArrayList<>();
        if (resourceType == null || resourceType.equals("cloud_run_revision")) {
            for (RawSeries series : raw(project, start, end)) {
                if (matches(series, filter)) {
                    matching.add(series);
                }
            }
        }
        Aggregation aggregation = request.getAggregation();
        List<Aligned> aligned = align(matching, aggregation, distribution, end);
        List<Aligned> reduced = reduce(aligned, aggregation);
        boolean integral = aggregation.getPerSeriesAligner() == Aggregation.Aligner.ALIGN_DELTA;
        long period = aggregation.getAlignmentPeriod().getSeconds();
        return reduced.stream().filter(s -> !s.values().isEmpty()).map(s -> series(metric, s, integral, period)).toList();
    }

    // ---- what Cloud Run wrote ----

    private List<RawSeries> raw(String project, Instant start, Instant end) {
        List<RawSeries> out = new ArrayList<>();
        for (Map.Entry<Revision, NavigableMap<Instant, Rate>> entry : served.entrySet()) {
            Revision r = entry.getKey();
            if (!r.project().equals(project)) {
                continue;
            }
            List<RawPoint> ok = new ArrayList<>();
            List<RawPoint> errors = new ArrayList<>();
            // Points end at whole minutes; those in (start, end] belong to the interval.
            for (Instant pointEnd = start.truncatedTo(ChronoUnit.MINUTES).plus(MINUTE); !pointEnd.isAfter(end); pointEnd = pointEnd.plus(MINUTE)) {
                Map.Entry<Instant, Rate> inForce = entry.getValue().floorEntry(pointEnd.minus(MINUTE));
                if (inForce == null) {
                    continue;
                }
                Rate rate = inForce.getValue();
                if (rate.requests() > rate.errors5xx()) {
                    ok.add(new RawPoint(pointEnd, rate.requests() - rate.errors5xx(), rate.p95Millis()));
                }
                if (rate.errors5xx() > 0) {
                    errors.add(new RawPoint(pointEnd, rate.errors5xx(), rate.p95Millis()));
                }
            }
            Map<String, String> resource = Map.of("project_id", r.project(), "service_name", r.service(), "revision_name", r.revision(),
                    "location", r.location(), "configuration_name", r.service());
            if (!ok.isEmpty()) {
                out.add(new RawSeries(resource, Map.of("response_code", "200", "response_code_class", "2xx"), ok));
            }
            if (!errors.isEmpty()) {
                out.add(new RawSeries(resource, Map.of("response_code", "500", "response_code_class", "5xx"), errors));
            }
        }
        return out;
    }

    private static boolean matches(RawSeries series, Map<String, String> filter) {
        for (Map.Entry<String, String> clause : filter.entrySet()) {
            String[] label = label(clause.getKey());
            Map<String, String> labels = label[0].equals("resource") ? series.resource() : series.metric();
            if (!clause.getValue().equals(labels.get(label[1]))) {
                return false;
            }
        }
        return true;
    }

    /** {@code resource.labels.x} or {@code metric.label.x} as {"resource" or "metric", "x"}. */
    private static String[] label(String selector) {
        for (String scope : List.of("resource", "metric")) {
            for (String infix : List.of(".labels.", ".label.")) {
                if (selector.startsWith(scope + infix) && selector.length() > (scope + infix).length()) {
                    return new String[] {scope, selector.substring((scope + infix).length())};
                }
            }
        }
        throw unimplemented("the selector " + selector + " is not modelled");
    }

    // ---- aggregation ----

    private static List<Aligned> align(List<RawSeries> series, Aggregation aggregation, boolean distribution, Instant end) {
        Aggregation.Aligner aligner = aggregation.getPerSeriesAligner();
        if (aligner == Aggregation.Aligner.ALIGN_NONE) {
            if (aggregation.getCrossSeriesReducer() != Aggregation.Reducer.REDUCE_NONE) {
                throw invalid("a cross-series reducer needs a per-series aligner other than ALIGN_NONE");
            }
            throw unimplemented("raw points (no aligner) are not modelled");
        }
        long seconds = aggregation.getAlignmentPeriod().getSeconds();
        if (seconds < 60) {
            throw invalid("the alignment period must be at least 60 s, got " + seconds + " s");
        }
        switch (aligner) {
            case ALIGN_DELTA -> {
                if (distribution && aggregation.getCrossSeriesReducer() == Aggregation.Reducer.REDUCE_MAX) {
                    throw invalid("REDUCE_MAX is valid for numeric values only, and ALIGN_DELTA keeps distributions");
                }
                if (distribution) {
                    throw unimplemented("ALIGN_DELTA on distributions (distribution output) is not modelled");
                }
            }
            case ALIGN_PERCENTILE_95 -> {
                if (!distribution) {
                    throw invalid("ALIGN_PERCENTILE_95 is valid for distribution values only");
                }
            }
            default -> throw unimplemented("the aligner " + aligner + " is not modelled");
        }
        Duration period = Duration.ofSeconds(seconds);
        List<Aligned> out = new ArrayList<>();
        for (RawSeries s : series) {
            Map<Instant, List<RawPoint>> byPeriod = new TreeMap<>();
            for (RawPoint p : s.points()) {
                // Periods are counted back from the interval's end: (end - (k+1)·period, end - k·period].
                long k = Duration.between(p.end(), end).toNanos() / period.toNanos();
                byPeriod.computeIfAbsent(end.minus(period.multipliedBy(k)), x -> new ArrayList<>()).add(p);
            }
            NavigableMap<Instant, Double> values = new TreeMap<>();
            byPeriod.forEach((periodEnd, points) -> values.put(periodEnd, aligner == Aggregation.Aligner.ALIGN_DELTA
                    ? points.stream().mapToLong(RawPoint::count).sum()
                    : percentile95(points)));
            out.add(new Aligned(s.resource(), s.metric(), values));
        }
        return out;
    }

    private static double percentile95(List<RawPoint> points) {
        List<RawPoint> sorted = points.stream().sorted(Comparator.comparingDouble(RawPoint::latencyMillis)).toList();
        long total = sorted.stream().mapToLong(RawPoint::count).sum();
        long rank = (long) Math.ceil(0.95 * total);
        long seen = 0;
        for (RawPoint p : sorted) {
            seen += p.count();
            if (seen >= rank) {
                return p.latencyMillis();
            }
        }
        throw new IllegalStateException("no points");
    }

    private static List<Aligned> reduce(List<Aligned> aligned, Aggregation aggregation) {
        Aggregation.Reducer reducer = aggregation.getCrossSeriesReducer();
        if (reducer == Aggregation.Reducer.REDUCE_NONE) {
            return aligned;
        }
        if (reducer != Aggregation.Reducer.REDUCE_SUM && reducer != Aggregation.Reducer.REDUCE_MAX) {
            throw unimplemented("the reducer " + reducer + " is not modelled");
        }
        Map<List<String>, Aligned> groups = new LinkedHashMap<>();
        for (Aligned s : aligned) {
            Map<String, String> resource = new LinkedHashMap<>();
            Map<String, String> metric = new LinkedHashMap<>();
            for (String field : aggregation.getGroupByFieldsList()) {
                String[] label = label(field);
                if (label[0].equals("resource")) {
                    resource.put(label[1], s.resource().getOrDefault(label[1], ""));
                } else {
                    metric.put(label[1], s.metric().getOrDefault(label[1], ""));
                }
            }
            Aligned group = groups.computeIfAbsent(List.of(resource.toString(), metric.toString()),
                    k -> new Aligned(resource, metric, new TreeMap<>()));
            s.values().forEach((at, v) -> group.values().merge(at, v, reducer == Aggregation.Reducer.REDUCE_SUM ? Double::sum : Math::max));
        }
        return new ArrayList<>(groups.values());
    }

    private static TimeSeries series(String metric, Aligned s, boolean integral, long periodSeconds) {
        TimeSeries.Builder b = TimeSeries.newBuilder()
                .setMetric(Metric.newBuilder().setType(metric).putAllLabels(s.metric()))
                .setResource(MonitoredResource.newBuilder().setType("cloud_run_revision").putAllLabels(s.resource()))
                .setMetricKind(integral ? MetricDescriptor.MetricKind.DELTA : MetricDescriptor.MetricKind.GAUGE)
                .setValueType(integral ? MetricDescriptor.ValueType.INT64 : MetricDescriptor.ValueType.DOUBLE);
        // Newest first, as the real API returns them.
        for (Map.Entry<Instant, Double> v : s.values().descendingMap().entrySet()) {
            Instant periodEnd = v.getKey();
            TimeInterval interval = TimeInterval.newBuilder()
                    .setStartTime(timestamp(integral ? periodEnd.minusSeconds(periodSeconds) : periodEnd))
                    .setEndTime(timestamp(periodEnd)).build();
            TypedValue value = integral
                    ? TypedValue.newBuilder().setInt64Value(Math.round(v.getValue())).build()
                    : TypedValue.newBuilder().setDoubleValue(v.getValue()).build();
            b.addPoints(Point.newBuilder().setInterval(interval).setValue(value));
        }
        return b.build();
    }

    // ---- the filter ----

    /** {@code selector = "value"} clauses joined by AND; anything else the real grammar allows is not modelled. */
    private static List<String[]> clauses(String filter) {
        List<String[]> out = new ArrayList<>();
        int i = 0;
        int n = filter.length();
        while (true) {
            i = skipSpaces(filter, i);
            int selectorStart = i;
            while (i < n && (Character.isLetterOrDigit(filter.charAt(i)) || filter.charAt(i) == '_' || filter.charAt(i) == '.')) {
                i++;
            }
            String selector = filter.substring(selectorStart, i);
            i = skipSpaces(filter, i);
            if (selector.isEmpty() || i >= n || filter.charAt(i) != '=') {
                throw unimplemented("only selector = \"value\" clauses joined by AND are modelled: " + filter);
            }
            i = skipSpaces(filter, i + 1);
            if (i >= n || filter.charAt(i) != '"') {
                throw unimplemented("only quoted values are modelled: " + filter);
            }
            StringBuilder value = new StringBuilder();
            i++;
            while (i < n && filter.charAt(i) != '"') {
                char c = filter.charAt(i);
                if (c == '\\' && i + 1 < n) {
                    c = filter.charAt(++i);
                }
                value.append(c);
                i++;
            }
            if (i >= n) {
                throw invalid("unterminated string in the filter: " + filter);
            }
            out.add(new String[] {selector, value.toString()});
            i = skipSpaces(filter, i + 1);
            if (i == n) {
                return out;
            }
            if (!filter.startsWith("AND", i) || i + 3 >= n || !Character.isWhitespace(filter.charAt(i + 3))) {
                throw unimplemented("only AND between clauses is modelled: " + filter);
            }
            i += 3;
        }
    }

    private static int skipSpaces(String s, int i) {
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
        return i;
    }

    private static Instant instant(Timestamp t) {
        return Instant.ofEpochSecond(t.getSeconds(), t.getNanos());
    }

    private static Timestamp timestamp(Instant at) {
        return Timestamp.newBuilder().setSeconds(at.getEpochSecond()).setNanos(at.getNano()).build();
    }

    private static StatusRuntimeException invalid(String message) {
        return Status.INVALID_ARGUMENT.withDescription(message).asRuntimeException();
    }

    private static StatusRuntimeException unimplemented(String message) {
        return Status.UNIMPLEMENTED.withDescription("FakeMonitoring: " + message).asRuntimeException();
    }
}
