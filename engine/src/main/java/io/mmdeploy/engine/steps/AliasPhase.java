package io.mmdeploy.engine.steps;

import io.mmdeploy.engine.config.EnvironmentSpec;
import io.mmdeploy.engine.diagnostics.DeployException;
import io.mmdeploy.engine.flow.Phase;
import io.mmdeploy.engine.gcp.GoogleClients;
import io.mmdeploy.engine.lease.Lease;
import io.mmdeploy.engine.release.AliasMove.MovedAlias;
import io.mmdeploy.engine.port.StageLog;
import io.mmdeploy.engine.release.ReleaseHistory;
import io.mmdeploy.engine.release.ReleaseRecord;
import io.mmdeploy.engine.retention.ImageRetention;
import io.mmdeploy.engine.source.ImageTags;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * mmMoveAlias: the alias tag of each image moves to the digest the release just recorded left live; then, where the
 * environment asks for it ({@code retention.afterDeploy}), the retention run, under the same lease.
 */
final class AliasPhase {
    private final RunContext run;

    AliasPhase(RunContext run) {
        this.run = run;
    }

    AliasResult move(EnvironmentSpec env) throws InterruptedException {
        RunJournal.Entry entry = run.journal.read(env.name());
        ReleaseRecord finished = entry.finished();
        String alias = new ImageTags(env).alias();
        if (finished == null || !finished.succeeded()) {
            throw DeployException.of("No succeeded release to move " + alias + " to",
                    finished == null ? "Call mmMoveAlias after mmRelease(phase: 'finish', result: 'SUCCEEDED')."
                            : "Release " + finished.id() + " " + finished.outcome().describe() + ": the alias stays where it is.");
        }
        run.mayChange(env);
        List<MovedAlias> moved;
        try (GoogleClients clients = run.open(env); Lease lease = run.lease(env, clients, entry)) {
            try {
                Stages.Releases releases = run.stages.releases(env, clients);
                moved = releases.cloudRun().aliases().apply(run.config, env, finished);
                run.journal.update(env.name(), d -> d.phase(Phase.ALIAS, RunJournal.SUCCEEDED, null, run.now(), alias));
                if (env.retention().afterDeploy()) {
                    prune(env, clients, releases);
                }
            } catch (RuntimeException e) {
                run.failed(env, Phase.ALIAS, e);
                throw e;
            }
        }
        Map<String, String> images = new LinkedHashMap<>();
        moved.forEach(m -> images.put(m.service(), env.registry().image(m.image()) + "@" + m.digest()));
        return new AliasResult(alias, images);
    }

    /**
     * Retention after a deploy: the release is live and recorded, its images and every recorded one are kept by the
     * retention rule; a failure here is said in the log and never turns a succeeded deploy into a failed one.
     */
    private void prune(EnvironmentSpec env, GoogleClients clients, Stages.Releases releases) throws InterruptedException {
        StageLog log = run.stages.log(ImageRetention.STAGE);
        try {
            ImageRetention retention = new ImageRetention(clients.artifactRegistry(), run.host.clock(), log);
            ImageRetention.Plan plan = retention.plan(run.config, env, ReleaseHistory.read(releases.store()));
            retention.apply(plan, run.stages.settings().apiWait());
            log.info("Retention after the deploy: " + plan.deletions().size() + " image version(s) deleted");
        } catch (DeployException e) {
            log.warn("Retention after the deploy did not finish (the deploy stands): " + e.diagnostics().get(0).summary());
        }
    }
}
