package io.mmdeploy.cli;

import io.mmdeploy.engine.release.ReleaseHistory;
import io.mmdeploy.engine.release.ReleaseJson;
import io.mmdeploy.engine.release.ReleaseRecord;
import io.mmdeploy.engine.release.ReleaseRecord.Kind;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code mmdeploy releases}: an environment's releases, newest first. */
@Command(name = "releases", description = "List an environment's releases, newest first, from the records in its own project.")
final class ReleasesCommand extends ReleaseRecordsCommand {
    @Option(names = "--limit", paramLabel = "N", defaultValue = "20", description = "Show at most N releases (default: ${DEFAULT-VALUE}).")
    int limit;

    @Override
    public Integer call() {
        try (EnvironmentSession session = session()) {
            ReleaseHistory history = session.history();
            List<ReleaseRecord> shown = history.newestFirst().stream().limit(limit).toList();
            PrintWriter out = spec.commandLine().getOut();
            if (output == Output.json) {
                out.println(ReleaseJson.pretty(shown));
            } else if (shown.isEmpty()) {
                out.println(session.env.name() + " has no releases yet.");
            } else {
                out.printf("%-26s %-8s %-30s %-20s %-9s %-8s %s%n", "RELEASE", "KIND", "RESULT", "STARTED", "DURATION", "COMMIT", "NOTE");
                for (ReleaseRecord r : shown) {
                    out.printf("%-26s %-8s %-30s %-20s %-9s %-8s %s%n", r.id(), r.kind().name().toLowerCase(), r.outcome().describe(),
                            r.startedAt().toString(), r.finishedAt() == null ? "-" : minutes(Duration.between(r.startedAt(), r.finishedAt())),
                            r.commit() == null ? "-" : r.commit().shortSha(), note(history, r));
                }
            }
            out.flush();
            return 0;
        }
    }

    private static String note(ReleaseHistory history, ReleaseRecord r) {
        if (r.kind() == Kind.ROLLBACK && r.rollback() != null) {
            return (r.rollback().toRelease() == null ? "named revisions" : "restores " + r.rollback().toRelease())
                    + (r.rollback().forced() ? ", forced" : "");
        }
        return history.rolledBackBy(r.id()).map(b -> "rolled back by " + b.id()).orElse("");
    }

    private static String minutes(Duration d) {
        return d.toMinutes() + "m" + d.toSecondsPart() + "s";
    }
}
