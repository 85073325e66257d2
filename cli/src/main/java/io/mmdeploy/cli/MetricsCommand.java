package io.mmdeploy.cli;

import io.mmdeploy.engine.release.DeliveryMetrics;
import io.mmdeploy.engine.release.ReleaseJson;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code mmdeploy metrics}: the four delivery metrics from the release records. */
@Command(name = "metrics", description = "Deployment frequency, lead time for changes, change failure rate and time to restore,"
        + " from the environment's release records alone.")
final class MetricsCommand extends ReleaseRecordsCommand {
    @Option(names = "--days", paramLabel = "N", defaultValue = "30", description = "The window: the last N days (default: ${DEFAULT-VALUE}).")
    int days;

    @Override
    public Integer call() {
        if (days < 1) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--days must be at least 1, was " + days);
        }
        try (EnvironmentSession session = session()) {
            DeliveryMetrics metrics = DeliveryMetrics.compute(session.env.name(), session.history(), clock.instant(), days);
            PrintWriter out = spec.commandLine().getOut();
            out.print(output == Output.json ? ReleaseJson.pretty(metrics) + "\n" : metrics.text());
            out.flush();
            return 0;
        }
    }
}
