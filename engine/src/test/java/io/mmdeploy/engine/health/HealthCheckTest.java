package io.mmdeploy.engine.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.mmdeploy.engine.config.HealthSpec;
import io.mmdeploy.engine.gcp.fake.CapturedLog;
import io.mmdeploy.engine.port.Sleeper;
import io.mmdeploy.engine.run.ParallelRunner;
import io.mmdeploy.engine.testing.LoopbackHttp;
import java.io.IOException;
import java.io.OutputStream;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HealthCheckTest {
    /** A canned answer: HTTP status and body. */
    record Answer(int status, String body) {}

    HttpServer server;
    String base;
    final Map<String, Deque<Answer>> script = new ConcurrentHashMap<>();
    final Map<String, Integer> hits = new ConcurrentHashMap<>();
    final List<Duration> slept = Collections.synchronizedList(new ArrayList<>());
    final Sleeper sleeper = slept::add;
    final CapturedLog log = new CapturedLog();

    @BeforeEach
    void start() throws IOException {
        server = LoopbackHttp.server();
        server.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            hits.merge(path, 1, Integer::sum);
            Deque<Answer> answers = script.getOrDefault(path, new ConcurrentLinkedDeque<>());
            // The last answer repeats forever.
            Answer answer = answers.size() > 1 ? answers.poll() : answers.peek();
            if (answer == null) {
                answer = new Answer(404, "not found");
            }
            byte[] body = answer.body().getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(answer.status(), body.length == 0 ? -1 : body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.setExecutor(java.util.concurrent.Executors.newFixedThreadPool(4));
        server.start();
        base = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    void answers(String path, Answer... answers) {
        script.put(path, new ConcurrentLinkedDeque<>(List.of(answers)));
    }

    HealthReport check(HealthTarget... targets) throws InterruptedException {
        return new HealthCheck(HttpClient.newHttpClient(), sleeper, new ParallelRunner(8), log.stage(HealthCheck.STAGE),
                Duration.ofSeconds(5)).check(List.of(targets));
    }

    HealthTarget target(String name, String path, int attempts, String version) {
        return new HealthTarget(name, base + "/" + name, new HealthSpec(path, attempts, Duration.ofSeconds(10)), version);
    }

    @Test
    void retriesFastFirstUntilHealthy() throws Exception {
        answers("/mesh/healthcheck", new Answer(503, ""), new Answer(503, ""), new Answer(200, "{\"status\":\"healthy\"}"));

        HealthReport report = check(target("mesh", "/healthcheck", 3, null));

        assertThat(report.healthy()).isTrue();
        HealthResult mesh = report.results().get(0);
        assertThat(mesh.attempts()).isEqualTo(3);
        assertThat(mesh.lastStatus()).isEqualTo(200);
        // Seen 1.5 s after the first answer, not 20 s (the old fixed 10 s apart).
        assertThat(slept).containsExactly(Duration.ofMillis(500), Duration.ofSeconds(1));
    }

    @Test
    void aServiceThatNeverTurnsHealthyFailsAfterItsAttempts() throws Exception {
        answers("/agent/health", new Answer(503, "starting"));
        answers("/users/health", new Answer(200, "{\"status\":\"healthy\"}"));

        HealthReport report = check(target("agent", "/health", 3, null), target("users", "/health", 3, null));

        assertThat(report.healthy()).isFalse();
        // Polled for the whole budget (3 × 10 s of waiting), fast first: 8 attempts.
        assertThat(report.results().get(0)).extracting(HealthResult::healthy, HealthResult::attempts, HealthResult::lastStatus)
                .containsExactly(false, 8, 503);
        assertThat(report.results().get(1).healthy()).isTrue();
        assertThat(hits.get("/agent/health")).isEqualTo(8);
        assertThat(slept).hasSize(7);
        assertThat(slept.stream().reduce(Duration.ZERO, Duration::plus)).isEqualTo(Duration.ofSeconds(30));
        assertThatThrownBy(report::orThrow).hasMessageContaining("agent is not healthy").hasMessageContaining("last HTTP status 503")
                .hasMessageNotContaining("users is not healthy");
    }

    @Test
    void a200WhoseStatusIsNotHealthyIsNotHealthy() throws Exception {
        answers("/journal/health", new Answer(200, "{\"status\":\"degraded\",\"dependencies\":{\"database\":\"disconnected\"}}"));

        HealthResult result = check(target("journal", "/health", 2, null)).results().get(0);

        assertThat(result.healthy()).isFalse();
        assertThat(result.detail()).isEqualTo("status \"degraded\"");
    }

    @Test
    void aPlainTextOkIsHealthy() throws Exception {
        answers("/meals/health", new Answer(200, "OK"));

        assertThat(check(target("meals", "/health", 1, null)).healthy()).isTrue();
    }

    @Test
    void theReportedVersionMustBeTheDeployedTagWhenAsked() throws Exception {
        answers("/habits/health", new Answer(200, "{\"status\":\"healthy\",\"version\":\"staging-old1234\"}"));
        answers("/users/health", new Answer(200, "{\"status\":\"healthy\",\"version\":\"staging-abc1234\"}"));

        HealthReport report = check(target("habits", "/health", 2, "staging-abc1234"), target("users", "/health", 2, "staging-abc1234"));

        assertThat(report.results().get(0).healthy()).isFalse();
        assertThat(report.results().get(0).detail()).isEqualTo("version \"staging-old1234\", expected \"staging-abc1234\"");
        assertThat(report.results().get(1).healthy()).isTrue();
    }

    @Test
    void aRefusedConnectionCountsAsAnAttemptWithoutStatus() throws Exception {
        HealthTarget closed = new HealthTarget("practices", "http://127.0.0.1:1", HealthSpec.defaults(), null);

        HealthResult result = check(closed).results().get(0);

        assertThat(result.healthy()).isFalse();
        assertThat(result.attempts()).isEqualTo(new HealthSpec("/health", 3, Duration.ofSeconds(10)).waits().size() + 1);
        assertThat(result.lastStatus()).isZero();
        assertThat(result.detail()).contains("ConnectException");
    }

    @Test
    void checksRunInParallel() throws Exception {
        List<HealthTarget> targets = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            answers("/s" + i + "/health", new Answer(200, "{\"status\":\"healthy\"}"));
            targets.add(target("s" + i, "/health", 1, null));
        }
        java.util.Set<String> threads = ConcurrentHashMap.newKeySet();
        HealthReport report = new HealthCheck(HttpClient.newHttpClient(), sleeper, new ParallelRunner(3),
                new io.mmdeploy.engine.port.StageLog(e -> threads.add(Thread.currentThread().getName()), "health"),
                Duration.ofSeconds(5)).check(targets);

        assertThat(report.healthy()).isTrue();
        assertThat(threads.stream().filter(t -> t.startsWith("mm-deploy-health-"))).hasSizeBetween(2, 3);
    }
}
