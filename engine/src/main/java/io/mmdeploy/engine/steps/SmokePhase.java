package io.mmdeploy.engine.steps;

import io.mmdeploy.engine.config.EnvironmentSpec;
import io.mmdeploy.engine.flow.Phase;
import io.mmdeploy.engine.gcp.EnvironmentSecrets;
import io.mmdeploy.engine.gcp.GoogleClients;
import io.mmdeploy.engine.release.ReleaseRecord.SmokeCheck;
import io.mmdeploy.engine.serviceurls.CloudRunUrls;
import io.mmdeploy.engine.smoke.SmokeReport;
import io.mmdeploy.engine.smoke.SmokeResult;
import io.mmdeploy.engine.smoke.SmokeTarget;
import io.mmdeploy.engine.smoke.SmokeTargets;
import io.mmdeploy.engine.smoke.SmokeTests;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * mmSmokeTest: every service's and the gateway's smoke tests, once the health check passed. The secrets their headers
 * need are read (and masked) before the first request, so a missing one fails the phase with nothing sent. A failed
 * test is returned, not thrown, like a health check: the host moves the traffic back. Each result goes into the run's
 * journal, and from there into the release record.
 */
final class SmokePhase {
    private final RunContext run;

    SmokePhase(RunContext run) {
        this.run = run;
    }

    SmokeReport check(EnvironmentSpec env) throws InterruptedException {
        run.guard(env, Phase.SMOKE_TESTS);
        SmokeReport report;
        try (GoogleClients clients = run.open(env)) {
            try {
                CloudRunUrls urls = new CloudRunUrls(clients.services());
                report = runAt(env, clients, SmokeTargets.of(run.config, env, service -> urls.url(env, service)));
            } catch (RuntimeException e) {
                run.failed(env, Phase.SMOKE_TESTS, e);
                throw e;
            }
        }
        List<SmokeCheck> checks = report.results().stream().map(SmokeCheck::of).toList();
        run.journal.update(env.name(), d -> {
            d.smokeTests = checks;
            d.phase(Phase.SMOKE_TESTS, report.passed() ? RunJournal.SUCCEEDED : RunJournal.FAILED, null, run.now(), report.passed()
                    ? report.results().size() + " passed"
                    : "failed: " + String.join(", ", report.failures().stream().map(r -> r.target() + "/" + r.name()).toList()));
        });
        return report;
    }

    /**
     * Every secret a smoke test's header names exists and is readable now: a deploy checks it before it changes
     * anything, not after its traffic moved (the values join the run's mask; nothing is printed).
     */
    void requireSecrets(EnvironmentSpec env, GoogleClients clients) {
        Map<String, String> needed = SmokeTests.secretsNeeded(SmokeTargets.of(run.config, env, service -> ""));
        EnvironmentSecrets secrets = new EnvironmentSecrets(clients.secretManager(), env, run.host.mask());
        needed.forEach(secrets::value);
    }

    /** Runs the given smoke tests with the secrets their headers name, read from the environment's Secret Manager. */
    SmokeReport runAt(EnvironmentSpec env, GoogleClients clients, List<SmokeTarget> targets) throws InterruptedException {
        EnvironmentSecrets secrets = new EnvironmentSecrets(clients.secretManager(), env, run.host.mask());
        Map<String, String> values = new LinkedHashMap<>();
        SmokeTests.secretsNeeded(targets).forEach((secret, usedBy) -> values.put(secret, secrets.value(secret, usedBy)));
        return run.stages.smokeTests(clients).run(targets, values);
    }

    /** The failures, one line each, for the error that ends a deploy. */
    static List<String> describe(SmokeReport report) {
        return report.failures().stream().map((SmokeResult r) -> r.target() + " " + r.name() + " (" + r.method() + " " + r.path() + "): "
                + r.detail()).toList();
    }
}
