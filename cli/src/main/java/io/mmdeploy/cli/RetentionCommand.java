package io.mmdeploy.cli;

import io.mmdeploy.engine.release.ReleaseJson;
import io.mmdeploy.engine.retention.ImageRetention;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code mmdeploy retention}: which image versions the environment's retention keeps, and (with --apply) deleting the rest. */
@Command(name = "retention", description = "Show which versions of the environment's images are kept (and why) and which deleted:"
        + " the newest N per image, never a semver tag or an image of a stored release record, untagged ones older than D days go."
        + " A dry run unless --apply.")
final class RetentionCommand extends ReleaseRecordsCommand {
    @Option(names = "--apply", description = "Delete what the plan deletes (default: dry run).")
    boolean apply;

    @Override
    public Integer call() throws InterruptedException {
        try (EnvironmentSession session = session()) {
            ImageRetention retention = new ImageRetention(session.clients.artifactRegistry(), clock, log(ImageRetention.STAGE));
            if (apply) {
                // Deleting changes the environment: one mutating run at a time, as a deploy.
                session.holdLease();
            }
            ImageRetention.Plan plan = retention.plan(session.config, session.env, session.history());
            if (apply) {
                retention.apply(plan, EnvironmentSession.LONGEST_WAIT);
            }
            PrintWriter out = spec.commandLine().getOut();
            out.print(output == Output.json ? ReleaseJson.pretty(plan) + "\n" : plan.text(apply));
            out.flush();
            return 0;
        }
    }
}
