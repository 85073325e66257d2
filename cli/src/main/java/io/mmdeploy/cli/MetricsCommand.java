package io.mmdeploy.cli;

import io.mmdeploy.engine.release.DeliveryMetrics;
import io.mmdeploy.engine.release.ReleaseJson;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code mmdeploy metrics}: the four delivery metrics from the release records. */
@Command(name = "metrics", description = "Deployment frequency, lead time for changes, change failure rate and time to restore,"
        + " from the environment's release records alone.")
final class MetricsCommand implements Callable<Integer> {
    @Mixin
    EnvironmentOptions options;

    @Option(names = "--days", paramLabel = "N", defaultValue = "30", description = "The window: the last N days (default: ${DEFAULT-VALUE}).")
    int days;

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "text", description = "text or json (default: ${DEFAULT-VALUE}).")
    PlanCommand.Output output;

    @Spec
    CommandSpec spec;

    private final CommandHost host;

    MetricsCommand() {
        this(CommandHost.local());
    }

    MetricsCommand(CommandHost host) {
        this.host = host;
    }

    @Override
    public Integer call() {
        if (days < 1) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--days must be at least 1, was " + days);
        }
        try (EnvironmentSession session = new EnvironmentSession(options, host, spec)) {
            DeliveryMetrics metrics = DeliveryMetrics.compute(session.env.name(), session.history(), host.clock().instant(), days);
            PrintWriter out = spec.commandLine().getOut();
            out.print(output == PlanCommand.Output.json ? ReleaseJson.pretty(metrics) + "\n" : metrics.text());
            out.flush();
            return 0;
        }
    }
}
