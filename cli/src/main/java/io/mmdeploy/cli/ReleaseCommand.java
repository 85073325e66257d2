package io.mmdeploy.cli;

import io.mmdeploy.engine.release.ReleaseJson;
import io.mmdeploy.engine.release.ReleaseRecord;
import io.mmdeploy.engine.release.ReleaseRecord.ServiceRelease;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code mmdeploy release ID}: one release record. */
@Command(name = "release", description = "Show one release: what it left live, its plans, approvals and migrations.")
final class ReleaseCommand extends ReleaseRecordsCommand {
    @Parameters(index = "0", paramLabel = "ID", description = "The release id (see `mmdeploy releases`).")
    String id;

    @Override
    public Integer call() {
        try (EnvironmentSession session = session()) {
            ReleaseRecord r = session.history().require(id, session.env.name());
            PrintWriter out = spec.commandLine().getOut();
            if (output == Output.json) {
                out.println(ReleaseJson.pretty(r));
            } else {
                out.printf("Release %s (%s) of %s: %s%n", r.id(), r.kind().name().toLowerCase(), r.environment(), r.outcome().describe()
                        + (r.outcome().detail() == null ? "" : ": " + r.outcome().detail()));
                out.printf("  started %s, finished %s%n", r.startedAt(), r.finishedAt() == null ? "-" : r.finishedAt());
                if (r.commit() != null) {
                    out.printf("  commit %s on %s, committed %s%n", r.commit().sha(), r.commit().branch(), r.commit().committedAt());
                }
                if (r.rollback() != null) {
                    out.printf("  rolled back from %s to %s%s%n", r.rollback().fromRelease(),
                            r.rollback().toRelease() == null ? "named revisions" : r.rollback().toRelease(), r.rollback().forced() ? " (forced)" : "");
                }
                for (ServiceRelease s : r.serving()) {
                    out.printf("  %-10s %-36s %s%n", s.name(), s.revision() == null ? "(not serving)" : s.revision(),
                            s.image() == null ? "?" : s.image().ref() + (s.image().tag() == null ? "" : " (" + s.image().tag() + ")"));
                }
                r.migrations().forEach(m -> out.printf("  migration %s: execution %s %s%n", m.job(), m.execution(), m.result()));
                r.approvals().forEach(a -> out.printf("  approval %s: %s at %s%n", a.phase(), a.approver(), a.at()));
                r.plans().forEach(p -> out.printf("  plan %s: %s%n", p.phase(), p.hash()));
            }
            out.flush();
            return 0;
        }
    }
}
