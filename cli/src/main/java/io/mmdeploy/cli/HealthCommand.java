package io.mmdeploy.cli;

import io.mmdeploy.engine.config.DeployConfig;
import io.mmdeploy.engine.config.EnvironmentSpec;
import io.mmdeploy.engine.gcp.GoogleClients;
import io.mmdeploy.engine.health.HealthReport;
import io.mmdeploy.engine.health.HealthResult;
import io.mmdeploy.engine.health.HealthTarget;
import io.mmdeploy.engine.health.HealthTargets;
import io.mmdeploy.engine.serviceurls.CloudRunUrls;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code mmdeploy health}: the engine of mmHealthCheck. */
@Command(name = "health", description = "GET each service's (and the gateway's) health path, in parallel, with the configured retries;"
        + " fails unless all are healthy.")
final class HealthCommand extends CloudCommand {
    @Option(names = "--services", split = ",", paramLabel = "NAME", description = "Only these (service or gateway names; default: all and the gateway).")
    List<String> only;

    @Option(names = "--expect-version", paramLabel = "TAG", description = "The version each health body must report (the deployed tag).")
    String expectedVersion;

    @Override
    public Integer call() throws Exception {
        DeployConfig config = load().config();
        EnvironmentSpec env = environment(config);
        try (GoogleClients clients = connect(env, Duration.ofMinutes(1))) {
            List<HealthTarget> targets = HealthTargets.of(config, env, new CloudRunUrls(clients.services()), only, expectedVersion);
            HealthReport report = stages().healthCheck(clients).check(targets);
            StringBuilder text = new StringBuilder();
            for (HealthResult r : report.results()) {
                text.append(String.format("%-12s %-9s %d attempt(s), HTTP %d, %d ms  %s%n", r.name(), r.healthy() ? "healthy" : "UNHEALTHY",
                        r.attempts(), r.lastStatus(), r.millis(), r.url()));
            }
            print(report, text.toString());
            report.orThrow();
        }
        return 0;
    }
}
