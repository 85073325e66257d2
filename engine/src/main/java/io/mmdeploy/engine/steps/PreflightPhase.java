package io.mmdeploy.engine.steps;

import io.mmdeploy.engine.canary.TrafficOwnership;
import io.mmdeploy.engine.config.EnvironmentSpec;
import io.mmdeploy.engine.flow.Phase;
import io.mmdeploy.engine.gcp.GoogleClients;
import io.mmdeploy.engine.onboard.PermissionCheck;
import io.mmdeploy.engine.release.ReleaseHistory;
import io.mmdeploy.engine.release.ReleaseRecord;
import io.mmdeploy.engine.source.ImageTags;
import io.mmdeploy.engine.source.Revision;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * mmPreflight: refuses a deploy whose environments are not isolated (or that another branch's build asks for, or whose
 * credentials lack a permission it needs), before anything changes, and starts the run with its release id. A rerun of this commit after a run that did not succeed
 * continues that run: what succeeded is kept (a phase whose inputs did not change is not redone).
 */
final class PreflightPhase {
    /** The release id's suffix outside git. */
    static final String UNVERSIONED = "unversioned";

    private final RunContext run;

    PreflightPhase(RunContext run) {
        this.run = run;
    }

    PreflightResult start(EnvironmentSpec env) throws InterruptedException {
        run.mayChange(env);
        Optional<Revision> revision = run.revision(env);
        String sha = revision.map(Revision::sha).orElse(null);
        String release;
        // Every permission the deploy will use, asked before anything changes: a missing one stops it here, not half-way.
        try (GoogleClients clients = run.open(env)) {
            new PermissionCheck(run.host.workspace(), run.stages.threads()).require(env, clients);
            release = unused(ReleaseRecord.newId(run.now(), revision.map(Revision::shortSha).orElse(UNVERSIONED)),
                    ReleaseHistory.read(run.stages.releases(env, clients).store()));
        }
        warnIfTofuOwnsTraffic(env);
        RunJournal.Entry before = run.journal.read(env.name());
        boolean resume = sha != null && sha.equals(before.commit()) && "deploy".equals(before.kind()) && before.started() != null
                && (before.finished() == null || !before.finished().succeeded());
        if (resume) {
            // A run that stopped unfinished (at a gate, or killed) goes on as the same release; a failed one gets a new id.
            release = before.finished() == null ? before.release() : release;
            run.journal.resume(env.name(), release);
            run.stages.log(Phase.PREFLIGHT.id()).info("Continuing the run of " + before.release() + " (attempt " + (before.attempt() + 1)
                    + ") as release " + release + ": phases that succeeded with the same inputs are not redone");
        } else {
            run.journal.begin(env.name(), release, sha, null);
        }
        run.stages.log(Phase.PREFLIGHT.id()).info("Environments of " + run.config.file() + " are isolated; " + env.name()
                + " deploys as release " + release + ".");
        return new PreflightResult(env.name(), release, RunContext.policy(env), new ImageTags(env).alias(), resume, run.flow(env).titles());
    }

    /** With a rollout, a service resource that does not ignore traffic would undo the canary at every apply. */
    private void warnIfTofuOwnsTraffic(EnvironmentSpec env) {
        if (env.rollout() == null) {
            return;
        }
        Set<String> exempt = run.config.gatewaySpec().map(g -> Set.of(g.tofuTarget())).orElse(Set.of());
        List<String> resetters;
        try {
            resetters = TrafficOwnership.resetters(run.host.workspace(), env.tofu().dir(), exempt);
        } catch (IOException e) {
            resetters = List.of();
        }
        for (String r : resetters) {
            run.stages.log(Phase.PREFLIGHT.id()).warn(env.name() + " has a rollout, but " + r + " does not ignore traffic: each apply"
                    + " would send all traffic to the new revision at once, before the canary. Add lifecycle { ignore_changes = [traffic] }"
                    + " to it (the engine moves the traffic).");
        }
    }

    /**
     * A release id no record of the environment has yet: ids are to the second, so a second run of the same commit in
     * the same second gets {@code -2} (and so on) rather than a record that passes for the first one's.
     */
    private static String unused(String id, ReleaseHistory history) {
        String candidate = id;
        for (int n = 2; history.find(candidate).isPresent(); n++) {
            candidate = id + "-" + n;
        }
        return candidate;
    }
}
