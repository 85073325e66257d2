package io.mmdeploy.cli;

import io.mmdeploy.engine.release.DriftCheck.DriftReport;
import io.mmdeploy.engine.release.ReleaseJson;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code mmdeploy drift}: does each service still serve the last succeeded release? Exit 1 when not. */
@Command(name = "drift", description = "Compare each service's live traffic and image with the last succeeded release;"
        + " exit 1 when any differs (a console rollback, a traffic split, a deploy outside the pipeline).")
final class DriftCommand implements Callable<Integer> {
    @Mixin
    EnvironmentOptions options;

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "text", description = "text or json (default: ${DEFAULT-VALUE}).")
    PlanCommand.Output output;

    @Spec
    CommandSpec spec;

    private final CommandHost host;

    DriftCommand() {
        this(CommandHost.local());
    }

    DriftCommand(CommandHost host) {
        this.host = host;
    }

    @Override
    public Integer call() {
        try (EnvironmentSession session = new EnvironmentSession(options, host, spec)) {
            DriftReport report = session.releases.drift().check(session.config, session.env, session.history());
            PrintWriter out = spec.commandLine().getOut();
            out.print(output == PlanCommand.Output.json ? ReleaseJson.pretty(report) + "\n" : report.text());
            out.flush();
            return report.drifted() ? MmDeploy.FAILED : 0;
        }
    }
}
