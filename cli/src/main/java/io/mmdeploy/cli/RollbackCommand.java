package io.mmdeploy.cli;

import io.mmdeploy.engine.diagnostics.DeployException;
import io.mmdeploy.engine.diagnostics.Diagnostic;
import io.mmdeploy.engine.release.EnvironmentRollback;
import io.mmdeploy.engine.release.EnvironmentRollback.RollbackResult;
import io.mmdeploy.engine.release.ReleaseJson;
import io.mmdeploy.engine.release.RollbackPlan;
import io.mmdeploy.engine.release.RollbackRequest;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code mmdeploy rollback}: Cloud Run traffic back to an earlier release; no build, no OpenTofu. */
@Command(name = "rollback", description = "Move every service and the gateway (or one service) back to an earlier release's revisions,"
        + " after checking each target revision; health-check; record the rollback; move the <env>-latest aliases.")
final class RollbackCommand extends ReleaseRecordsCommand {
    @Option(names = "--to", paramLabel = "TARGET", defaultValue = RollbackRequest.PREVIOUS,
            description = "previous (default), a release id, or with --service a revision name.")
    String to;

    @Option(names = "--service", paramLabel = "NAME", description = "Move only this service (or the gateway).")
    String service;

    @Option(names = "--dry-run", description = "Check and show the moves; move nothing.")
    boolean dryRun;

    @Option(names = "--force", description = "Roll back even across a migration that ran after the target release.")
    boolean force;

    /** A dry run only reads the records and revisions. */
    @Override
    boolean mutates() {
        return !dryRun;
    }

    @Override
    public Integer call() throws InterruptedException {
        try (EnvironmentSession session = session()) {
            if (!dryRun) {
                // Planned under the lease: nothing moves between the plan and its execution.
                session.holdLease();
            }
            EnvironmentRollback rollback = session.releases.rollback();
            RollbackPlan plan = rollback.plan(session.config, session.env, new RollbackRequest(to, service, force));
            PrintWriter out = spec.commandLine().getOut();
            boolean json = output == Output.json;
            if (dryRun) {
                out.print(json ? ReleaseJson.pretty(plan) + "\n" : plan.describe() + "Dry run: nothing was moved.\n");
                out.flush();
                return 0;
            }
            if (!json) {
                out.print(plan.describe());
                out.flush();
            }
            RollbackResult result = rollback.execute(session.config, session.env, plan);
            out.print(json ? ReleaseJson.pretty(result) + "\n" : String.format("Rollback %s %s: %d service(s) moved, %d alias(es) moved%n",
                    result.record().id(), result.record().outcome().describe(), result.moved().size(), result.aliases().size()));
            out.flush();
            if (!result.record().succeeded()) {
                throw new DeployException(result.health().results().stream().filter(r -> !r.healthy())
                        .map(r -> Diagnostic.error(r.name() + " is not healthy after the rollback",
                                r.url() + ": " + r.detail() + "\nThe traffic stays where it was moved; the record says so. Check the"
                                        + " service's logs, then roll to another release or forward with a fix."))
                        .toList());
            }
            return 0;
        }
    }
}
