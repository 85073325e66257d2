package io.mmdeploy.engine.steps;

import io.mmdeploy.engine.config.EnvironmentSpec;
import io.mmdeploy.engine.diagnostics.DeployException;
import io.mmdeploy.engine.flow.Phase;
import io.mmdeploy.engine.gcp.GoogleClients;
import io.mmdeploy.engine.lease.Lease;
import io.mmdeploy.engine.release.AliasMove.MovedAlias;
import io.mmdeploy.engine.release.ReleaseRecord;
import io.mmdeploy.engine.source.ImageTags;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** mmMoveAlias: the alias tag of each image moves to the digest the release just recorded left live. */
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
                moved = run.stages.releases(env, clients).cloudRun().aliases().apply(run.config, env, finished);
                run.journal.update(env.name(), d -> d.phase(Phase.ALIAS, RunJournal.SUCCEEDED, null, run.now(), alias));
            } catch (RuntimeException e) {
                run.failed(env, Phase.ALIAS, e);
                throw e;
            }
        }
        Map<String, String> images = new LinkedHashMap<>();
        moved.forEach(m -> images.put(m.service(), env.registry().image(m.image()) + "@" + m.digest()));
        return new AliasResult(alias, images);
    }
}
