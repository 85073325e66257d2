package io.mmdeploy.engine.health;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mmdeploy.engine.gcp.HttpProxy;
import io.mmdeploy.engine.port.Sleeper;
import io.mmdeploy.engine.port.StageLog;
import io.mmdeploy.engine.run.NamedTask;
import io.mmdeploy.engine.run.ParallelRunner;
import io.mmdeploy.engine.run.TaskOutcome;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executor;

/**
 * {@code GET <url><path>} for every target at once, each until it answers healthy or runs out of attempts.
 * Healthy: HTTP 200 and, when the body is JSON with a {@code status}, {@code "healthy"}; when a version is
 * expected, the body's {@code version} must be it. A worker ({@code kind: ready}) is asked of {@link Readiness}
 * instead, with the same tries: no request reaches it.
 */
public final class HealthCheck {
    public static final String STAGE = "health";

    private final HttpClient http;
    private final Sleeper sleeper;
    private final ParallelRunner runner;
    private final StageLog log;
    private final Duration requestTimeout;
    private final Readiness readiness;
    private final ObjectMapper json = new ObjectMapper();

    public HealthCheck(HttpClient http, Sleeper sleeper, ParallelRunner runner, StageLog log, Duration requestTimeout, Readiness readiness) {
        this.http = http;
        this.sleeper = sleeper;
        this.runner = runner;
        this.log = log;
        this.requestTimeout = requestTimeout;
        this.readiness = readiness;
    }

    /** For targets that all answer HTTP. */
    public HealthCheck(HttpClient http, Sleeper sleeper, ParallelRunner runner, StageLog log, Duration requestTimeout) {
        this(http, sleeper, runner, log, requestTimeout, Readiness.NONE);
    }

    /** How long one health request may take. */
    public static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
    /** Health checks run at once. */
    public static final int PARALLEL = 16;

    /**
     * The health check of a host that has no run (a rollback's): the client of {@link #httpClient}, through the host's
     * HTTP proxy when it has one (the one its Google clients use: {@code GoogleClients.proxy()}), the same timeouts;
     * workers asked of {@code readiness}. A run's stages build theirs on the run's client and threads.
     */
    public static HealthCheck standard(Sleeper sleeper, StageLog log, Optional<HttpProxy> proxy, Readiness readiness) {
        return new HealthCheck(httpClient(proxy, null), sleeper, new ParallelRunner(PARALLEL), log, REQUEST_TIMEOUT, readiness);
    }

    /**
     * The HTTP client of the checks that reach a deployed service (health, smoke tests): redirects followed as a
     * browser would (Cloud Run answers some paths with a redirect), through the host's proxy.
     *
     * @param threads where the client handles responses (a run's threads); null for the client's own
     */
    public static HttpClient httpClient(Optional<HttpProxy> proxy, Executor threads) {
        HttpClient.Builder b = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).connectTimeout(REQUEST_TIMEOUT);
        if (threads != null) {
            b.executor(threads);
        }
        proxy.ifPresent(p -> p.applyTo(b));
        return b.build();
    }

    public HealthReport check(List<HealthTarget> targets) throws InterruptedException {
        List<NamedTask<HealthResult>> tasks = targets.stream()
                .map(t -> new NamedTask<>(t.name(), () -> checkOne(t)))
                .toList();
        HealthReport report = new HealthReport(TaskOutcome.valuesOrThrow(runner.runAll(STAGE, tasks)));
        long healthy = report.results().stream().filter(HealthResult::healthy).count();
        log.info(healthy + " of " + report.results().size() + " healthy");
        return report;
    }

    private HealthResult checkOne(HealthTarget target) throws InterruptedException {
        List<Duration> waits = target.spec().waits();
        int attempts = waits.size() + 1;
        long started = System.nanoTime();
        int status = 0;
        String detail = "";
        for (int attempt = 1; attempt <= attempts; attempt++) {
            if (!target.spec().http()) {
                detail = readiness.notReady(target);
            } else {
                try {
                    HttpResponse<String> response = http.send(
                            HttpRequest.newBuilder(URI.create(target.endpoint())).timeout(requestTimeout).GET().build(),
                            HttpResponse.BodyHandlers.ofString());
                    status = response.statusCode();
                    detail = verdict(target, response);
                } catch (IOException | IllegalArgumentException e) {
                    status = 0;
                    detail = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
                }
            }
            long millis = (System.nanoTime() - started) / 1_000_000;
            if (detail.isEmpty()) {
                log.info(target.name() + ": healthy (attempt " + attempt + "/" + attempts + ", " + millis + " ms)");
                return new HealthResult(target.name(), target.where(), true, attempt, status, millis, "");
            }
            log.info(target.name() + ": attempt " + attempt + "/" + attempts + " not healthy: " + detail);
            if (attempt < attempts) {
                sleeper.sleep(waits.get(attempt - 1));
            }
        }
        long millis = (System.nanoTime() - started) / 1_000_000;
        log.warn(target.name() + ": not healthy after " + attempts + " attempt(s)");
        return new HealthResult(target.name(), target.where(), false, attempts, status, millis, detail);
    }

    /** Empty when healthy, else why not. */
    private String verdict(HealthTarget target, HttpResponse<String> response) {
        if (response.statusCode() != 200) {
            return "HTTP " + response.statusCode();
        }
        JsonNode body = parse(response.body());
        if (body != null && body.isObject() && body.has("status") && !"healthy".equals(body.get("status").asText())) {
            return "status \"" + body.get("status").asText() + "\"";
        }
        if (target.expectedVersion() != null) {
            String reported = body != null && body.isObject() && body.has("version") ? body.get("version").asText() : null;
            if (!target.expectedVersion().equals(reported)) {
                return "version " + (reported == null ? "not reported" : "\"" + reported + "\"") + ", expected \""
                        + target.expectedVersion() + "\"";
            }
        }
        return "";
    }

    private JsonNode parse(String body) {
        try {
            return json.readTree(body);
        } catch (IOException e) {
            return null;
        }
    }
}
