package io.mmdeploy.engine.steps;

import io.mmdeploy.engine.config.EnvironmentSpec;
import io.mmdeploy.engine.flow.Phase;
import io.mmdeploy.engine.gcp.GoogleClients;
import io.mmdeploy.engine.health.HealthReport;
import io.mmdeploy.engine.health.HealthResult;
import io.mmdeploy.engine.health.HealthTargets;
import io.mmdeploy.engine.serviceurls.CloudRunUrls;
import java.util.List;

/**
 * mmHealthCheck: each service's (and the gateway's) health path, with its retries. An unhealthy result is returned,
 * not thrown: the pipeline decides what to roll back. Inside a deploy, a check of everything is the Health phase.
 */
final class HealthPhase {
    private final RunContext run;

    HealthPhase(RunContext run) {
        this.run = run;
    }

    /** @param only service or gateway names; null for all and the gateway */
    HealthReport check(EnvironmentSpec env, List<String> only) throws InterruptedException {
        HealthReport report;
        try (GoogleClients clients = run.open(env)) {
            report = run.stages.healthCheck(clients).check(HealthTargets.of(run.config, env, new CloudRunUrls(clients.services()), only, null));
        }
        RunJournal.Entry entry = run.journal.read(env.name());
        if (only == null && entry.release() != null && entry.finished() == null && "deploy".equals(entry.kind())) {
            run.journal.update(env.name(), d -> d.phase(Phase.HEALTH, report.healthy() ? RunJournal.SUCCEEDED : RunJournal.FAILED, null, run.now(),
                    report.healthy() ? "healthy" : "unhealthy: " + String.join(", ",
                            report.results().stream().filter(r -> !r.healthy()).map(HealthResult::name).toList())));
        }
        return report;
    }
}
