package io.mmdeploy.engine.smoke;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mmdeploy.engine.config.SmokeTestSpec;
import io.mmdeploy.engine.config.SmokeTestSpec.HeaderValue;
import io.mmdeploy.engine.config.SmokeTestSpec.JsonExpectation;
import io.mmdeploy.engine.port.SecretMask;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Sends every smoke test once, all at once, and judges each answer: the expected status, then each expectation on the
 * JSON body by its pointer. The health check already waited for the services to come up, so a smoke test is not
 * retried: a failure is the app's answer. Header values from secrets are sent and never shown; what a result says
 * passes through the run's mask.
 */
public final class SmokeTests {
    public static final String STAGE = "smoke-tests";
    /** How much of a failing answer's value a result quotes. */
    static final int QUOTE = 160;

    private final HttpClient http;
    private final ParallelRunner runner;
    private final StageLog log;
    private final SecretMask mask;
    private final Duration requestTimeout;
    private final ObjectMapper json = new ObjectMapper();

    public SmokeTests(HttpClient http, ParallelRunner runner, StageLog log, SecretMask mask, Duration requestTimeout) {
        this.http = http;
        this.runner = runner;
        this.log = log;
        this.mask = mask;
        this.requestTimeout = requestTimeout;
    }

    /** The secrets the targets' headers need, each once, with the first field that uses it. */
    public static Map<String, String> secretsNeeded(List<SmokeTarget> targets) {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        for (SmokeTarget t : targets) {
            t.test().headers().forEach((header, value) -> {
                if (value.isSecret()) {
                    out.putIfAbsent(value.secret(), t.field() + ".headers." + header);
                }
            });
        }
        return out;
    }

    /** @param secretValues secret id → its value, for every secret {@link #secretsNeeded} named */
    public SmokeReport run(List<SmokeTarget> targets, Map<String, String> secretValues) throws InterruptedException {
        List<NamedTask<SmokeResult>> tasks = new ArrayList<>();
        for (SmokeTarget t : targets) {
            tasks.add(new NamedTask<>(t.name() + "/" + t.test().name(), () -> send(t, secretValues)));
        }
        SmokeReport report = new SmokeReport(TaskOutcome.valuesOrThrow(runner.runAll(STAGE, tasks)));
        log.info(report.results().stream().filter(SmokeResult::passed).count() + " of " + report.results().size() + " smoke tests passed");
        return report;
    }

    private SmokeResult send(SmokeTarget target, Map<String, String> secretValues) {
        SmokeTestSpec test = target.test();
        long started = System.nanoTime();
        int status = 0;
        String detail;
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(target.endpoint())).timeout(requestTimeout)
                    .method(test.method(), test.body() == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(test.body()));
            test.headers().forEach((header, value) -> request.header(header, headerText(value, secretValues)));
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            status = response.statusCode();
            detail = verdict(test, response);
        } catch (IOException | IllegalArgumentException e) {
            detail = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            detail = "interrupted";
        }
        long millis = (System.nanoTime() - started) / 1_000_000;
        String shown = mask.mask(detail);
        String line = target.name() + " " + test.name() + " (" + test.method() + " " + test.path() + "): ";
        if (shown.isEmpty()) {
            log.info(line + "passed (HTTP " + status + ", " + millis + " ms)");
        } else {
            log.warn(line + "FAILED: " + shown);
        }
        return new SmokeResult(target.name(), test.name(), test.method(), test.path(), shown.isEmpty(), status, millis, shown);
    }

    private static String headerText(HeaderValue value, Map<String, String> secretValues) {
        if (!value.isSecret()) {
            return value.text();
        }
        String secret = secretValues.get(value.secret());
        if (secret == null) {
            throw new IllegalStateException("the secret " + value.secret() + " was not read before the smoke tests");
        }
        return value.prefix() + secret;
    }

    /** Empty when the answer is what the test expects, else every way it is not. */
    private String verdict(SmokeTestSpec test, HttpResponse<String> response) {
        if (response.statusCode() != test.status()) {
            return "HTTP " + response.statusCode() + ", expected " + test.status();
        }
        if (test.json().isEmpty()) {
            return "";
        }
        JsonNode body;
        try {
            body = json.readTree(response.body());
        } catch (IOException e) {
            return "the body is not JSON, and " + test.json().get(0).describe() + " was expected";
        }
        List<String> unmet = new ArrayList<>();
        for (JsonExpectation expect : test.json()) {
            JsonNode at = body == null ? null : body.at(expect.pointer());
            boolean present = at != null && !at.isMissingNode();
            if (!expect.present() && present) {
                unmet.add(expect.pointer() + " is present: " + quote(at));
            } else if (expect.present() && !present) {
                unmet.add(expect.pointer() + " is missing");
            } else if (expect.present() && expect.equals() != null && !same(at, json.valueToTree(expect.equals()))) {
                unmet.add(expect.pointer() + " is " + quote(at) + ", expected " + json.valueToTree(expect.equals()));
            }
        }
        return String.join("; ", unmet);
    }

    /** Equal as JSON values: numbers by value (YAML's 200 and JSON's 200.0 are the same), everything else exactly. */
    private static boolean same(JsonNode found, JsonNode expected) {
        if (found.isNumber() && expected.isNumber()) {
            return found.decimalValue().compareTo(expected.decimalValue()) == 0;
        }
        return found.equals(expected);
    }

    private static String quote(JsonNode node) {
        String text = node.toString();
        return text.length() <= QUOTE ? text : text.substring(0, QUOTE) + "…";
    }
}
