package io.mmdeploy.cli;

import io.mmdeploy.engine.release.DriftCheck.DriftReport;
import io.mmdeploy.engine.release.ReleaseJson;
import java.io.PrintWriter;
import picocli.CommandLine.Command;

/** {@code mmdeploy drift}: does each service still serve the last succeeded release? Exit 1 when not. */
@Command(name = "drift", description = "Compare each service's live traffic and image with the last succeeded release;"
        + " exit 1 when any differs (a console rollback, a traffic split, a deploy outside the pipeline).")
final class DriftCommand extends ReleaseRecordsCommand {
    @Override
    public Integer call() {
        try (EnvironmentSession session = session()) {
            DriftReport report = session.releases.drift().check(session.config, session.env, session.history());
            PrintWriter out = spec.commandLine().getOut();
            out.print(output == Output.json ? ReleaseJson.pretty(report) + "\n" : report.text());
            out.flush();
            return report.drifted() ? MmDeploy.FAILED : 0;
        }
    }
}
