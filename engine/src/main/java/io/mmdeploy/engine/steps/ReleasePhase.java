package io.mmdeploy.engine.steps;

import io.mmdeploy.engine.config.EnvironmentSpec;
import io.mmdeploy.engine.config.WebhookSpec.Event;
import io.mmdeploy.engine.diagnostics.DeployException;
import io.mmdeploy.engine.flow.Phase;
import io.mmdeploy.engine.gcp.GoogleClients;
import io.mmdeploy.engine.migrations.MigrationResult;
import io.mmdeploy.engine.release.DeployEvidence;
import io.mmdeploy.engine.release.ReleaseRecord;
import io.mmdeploy.engine.release.ReleaseRecord.Commit;
import io.mmdeploy.engine.release.ReleaseRecord.Kind;
import io.mmdeploy.engine.release.ReleaseRecord.Outcome;
import io.mmdeploy.engine.source.Revision;
import java.time.Instant;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * mmRelease. {@code start}: a deploy stores its in-progress record (with the release id of mmPreflight) and takes
 * the environment's lease; a rollback only notes its kind (mmRollback records itself). {@code finish}: the final
 * record with what the run did (migrations that failed included), written to {@value DeploySteps#RECORD_FILE} in
 * the workspace for the host to archive; the lease is given back.
 */
final class ReleasePhase {
    static final String START = "start";
    static final String FINISH = "finish";

    private final RunContext run;
    private final Notices notices;

    ReleasePhase(RunContext run, Notices notices) {
        this.run = run;
        this.notices = notices;
    }

    /**
     * @param result {@code SUCCEEDED} or {@code FAILED} (finish only)
     * @param failedPhase the pipeline stage that failed (finish, FAILED)
     * @param kind {@code deploy} (default) or {@code rollback} (start only)
     */
    ReleaseResult record(EnvironmentSpec env, String phase, String result, String failedPhase, String kind) throws InterruptedException {
        if (START.equals(phase)) {
            return start(env, kind(kind));
        }
        if (!FINISH.equals(phase)) {
            throw DeployException.of("Unknown release phase \"" + phase + "\"", "mmRelease's phase is " + START + " or " + FINISH + ".");
        }
        return finish(env, outcome(result, failedPhase));
    }

    private ReleaseResult start(EnvironmentSpec env, Kind runKind) throws InterruptedException {
        RunJournal.Entry entry = run.journal.read(env.name());
        if (entry.release() == null) {
            throw FlowGuard.refusal(run.flow(env), env, Phase.PREFLIGHT, "no run was started in this workspace", Phase.PREFLIGHT);
        }
        run.mayChange(env);
        ReleaseRecord started = null;
        try (GoogleClients clients = run.open(env)) {
            if (runKind == Kind.DEPLOY) {
                new SmokePhase(run).requireSecrets(env, clients);
            }
            run.lease(env, clients, entry);
            String live = run.live(env, clients).map(ReleaseRecord::id).orElse(null);
            boolean startOver = entry.attempt() > 1 && !Objects.equals(live, entry.baseline());
            if (startOver) {
                // Someone deployed or rolled back since the failed attempt: what it did is no longer a base to build on.
                run.stages.log(Phase.PREFLIGHT.id()).warn(env.name() + " changed since the failed attempt (live release " + live + ", was "
                        + entry.baseline() + "): starting the run over");
                run.journal.begin(env.name(), entry.release(), entry.commit(), live);
            }
            if (runKind == Kind.DEPLOY) {
                Optional<Revision> revision = run.revision(env);
                started = ReleaseRecord.started(entry.release(), Kind.DEPLOY, env, revision.map(Commit::of).orElse(null), run.now());
                run.stages.releases(env, clients).store().append(started);
                run.writeRecord(started);
            }
            ReleaseRecord inProgress = started;
            run.journal.update(env.name(), d -> {
                d.kind = runKind.name().toLowerCase(Locale.ROOT);
                d.started = inProgress;
                if (d.baseline == null || startOver) {
                    d.baseline = live;
                }
                d.phase(Phase.PREFLIGHT, RunJournal.SUCCEEDED, null, run.now(), "release " + entry.release());
            });
        }
        return new ReleaseResult(entry.release(), started);
    }

    private ReleaseResult finish(EnvironmentSpec env, Outcome outcome) {
        RunJournal.Entry entry = run.journal.read(env.name());
        if (outcome.status() == ReleaseRecord.Status.SUCCEEDED && "deploy".equals(entry.kind())) {
            FlowGuard.require(run.flow(env), env, Phase.RELEASE, entry);
        }
        ReleaseRecord finished;
        try (GoogleClients clients = run.open(env)) {
            var releases = run.stages.releases(env, clients);
            if ("rollback".equals(entry.kind())) {
                // mmRollback stored its own record; a rollback refused before it moved anything gets one here.
                finished = entry.rollback() != null ? entry.rollback() : failedRollback(env, entry, outcome, releases);
            } else {
                ReleaseRecord started = Optional.ofNullable(entry.started()).orElseThrow(() -> DeployException.of(
                        "No release was started for " + env.name() + " in this workspace",
                        "Call mmRelease(phase: 'start') after mmPreflight; " + RunJournal.file(env.name()) + " has no started record."));
                finished = releases.cloudRun().recorder().finish(started, run.config, env,
                        new DeployEvidence(entry.imageRefs(), entry.plans(), entry.approvals(), entry.migrations(), entry.vulnerabilities(),
                                entry.smokeTests(), entry.rollout()), outcome);
            }
            run.journal.update(env.name(), d -> {
                d.finished = finished;
                d.phase(Phase.RELEASE, finished.succeeded() ? RunJournal.SUCCEEDED : RunJournal.FAILED, null, run.now(),
                        finished.outcome().describe());
            });
            run.releaseLease(env, clients, entry);
        }
        run.writeRecord(finished);
        boolean rollback = finished.kind() == Kind.ROLLBACK;
        notices.tell(env, finished.succeeded() ? (rollback ? Event.ROLLED_BACK : Event.SUCCEEDED) : Event.FAILED,
                finished.succeeded() ? (rollback ? rolledBackTo(finished) : null)
                        : finished.outcome().describe() + (finished.outcome().detail() == null ? "" : ": " + finished.outcome().detail()));
        return new ReleaseResult(finished.id(), finished);
    }

    private static String rolledBackTo(ReleaseRecord rollback) {
        String to = rollback.rollback() == null ? null : rollback.rollback().toRelease();
        return to == null ? "Rolled back the named revisions." : "Rolled back to release " + to + ".";
    }

    private ReleaseRecord failedRollback(EnvironmentSpec env, RunJournal.Entry entry, Outcome outcome, Stages.Releases releases) {
        Instant now = run.now();
        ReleaseRecord failed = ReleaseRecord.started(entry.release(), Kind.ROLLBACK, env, null, now).finished(
                outcome.status() == ReleaseRecord.Status.SUCCEEDED ? Outcome.failed("rollback", "mmRollback did not run") : outcome, now);
        releases.store().append(failed);
        return failed;
    }

    private static Kind kind(String kind) {
        String k = kind == null || kind.isBlank() ? "deploy" : kind.strip();
        return switch (k) {
            case "deploy" -> Kind.DEPLOY;
            case "rollback" -> Kind.ROLLBACK;
            default -> throw DeployException.of("Unknown release kind \"" + k + "\"", "mmRelease's kind is deploy (default) or rollback.");
        };
    }

    private static Outcome outcome(String result, String failedPhase) {
        if (MigrationResult.SUCCEEDED.equals(result)) {
            return Outcome.succeeded();
        }
        if ("FAILED".equals(result)) {
            String phase = failedPhase == null || failedPhase.isBlank() ? "unknown" : failedPhase.strip();
            return Outcome.failed(phase, "The pipeline stage " + phase + " failed.");
        }
        throw DeployException.of("Unknown release result \"" + result + "\"", "mmRelease(phase: 'finish')'s result is SUCCEEDED or FAILED.");
    }
}
