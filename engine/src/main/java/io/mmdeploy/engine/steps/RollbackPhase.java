package io.mmdeploy.engine.steps;

import io.mmdeploy.engine.approval.GatePlan;
import io.mmdeploy.engine.config.ApprovalPolicy.Gate;
import io.mmdeploy.engine.config.EnvironmentSpec;
import io.mmdeploy.engine.config.WebhookSpec.Event;
import io.mmdeploy.engine.diagnostics.DeployException;
import io.mmdeploy.engine.flow.Phase;
import io.mmdeploy.engine.gcp.GoogleClients;
import io.mmdeploy.engine.release.EnvironmentRollback;
import io.mmdeploy.engine.release.EnvironmentRollback.RollbackResult;
import io.mmdeploy.engine.release.ReleaseHistory;
import io.mmdeploy.engine.release.ReleaseRecord.Kind;
import io.mmdeploy.engine.release.RollbackPlan;
import io.mmdeploy.engine.release.RollbackRequest;
import java.time.Instant;
import java.util.List;

/**
 * mmRollback: moves Cloud Run traffic back (no build, no tofu), health-checks what moved and records the rollback;
 * the aliases follow when it is healthy. Inside a deploy whose health check failed it is that deploy's automatic
 * revert: back to what was live when the run started, past only the migrations this run made, by the same rule as a
 * rollback (refused unless each is compatibleWithPrevious, or forced).
 */
final class RollbackPhase {
    static final String ALL = "all";
    static final String REVERTED = "REVERTED";

    private final RunContext run;
    private final Notices notices;

    RollbackPhase(RunContext run, Notices notices) {
        this.run = run;
        this.notices = notices;
    }

    /**
     * The rollback's confirmation gate: what its approver confirms is this run (its release id), so a confirmation
     * recorded for one rollback never lets another through. The run waits for it without the environment's lease.
     */
    GatePlan confirmation(EnvironmentSpec env) {
        RunJournal.Entry entry = run.journal.read(env.name());
        if (entry.release() == null) {
            throw FlowGuard.refusal(run.flow(env), env, Phase.PREFLIGHT, "no run was started in this workspace", Phase.PREFLIGHT);
        }
        try (GoogleClients clients = run.open(env)) {
            run.releaseLease(env, clients, entry);
        }
        return new GatePlan(Gate.ROLLBACK.id(), confirmationKey(entry.release()), "Roll back " + env.name() + " (run " + entry.release() + ")",
                List.of(), true, !RunContext.policy(env).hasGates(), false, List.of());
    }

    static String confirmationKey(String release) {
        return "rollback-run:" + release;
    }

    /**
     * Where the policy has any gate, a rollback (not a deploy's own revert) moves traffic only once a person confirmed
     * this run, as the host recorded it: a hand-written Jenkinsfile or a Replay calling mmRollback gets no further.
     */
    private void requireConfirmation(EnvironmentSpec env, RunJournal.Entry entry) {
        if (!RunContext.policy(env).hasGates()) {
            return;
        }
        boolean confirmed = entry.release() != null
                && run.host.approvals().find(env.name(), Gate.ROLLBACK, confirmationKey(entry.release())).isPresent();
        if (!confirmed) {
            throw DeployException.of("Refusing Rollback in " + env.name() + ": nobody confirmed this rollback",
                    "The " + env.name() + " policy has approval gates, so a rollback waits for a person first: mmOpenGate and"
                            + " mmApprovalGate(phase: 'rollback') record the confirmation of this run on the build (the rollback job"
                            + " does). Nothing was changed.");
        }
    }

    /**
     * @param service a service, the gateway's name, or {@code all}
     * @param to {@code previous}, a release id, or (with one service) a revision
     * @param force go back past migrations the config does not mark compatible with the previous release
     */
    RollbackOutcome roll(EnvironmentSpec env, String service, String to, boolean force) throws InterruptedException {
        run.mayChange(env);
        RunJournal.Entry entry = run.journal.read(env.name());
        boolean revert = "deploy".equals(entry.kind()) && entry.started() != null && entry.finished() == null
                && (to == null || RollbackRequest.PREVIOUS.equals(to));
        RollbackRequest.Revert revertOf = revert ? new RollbackRequest.Revert(entry.release(), entry.baseline(), entry.migrations()) : null;
        if (!revert) {
            requireConfirmation(env, entry);
        }
        RollbackPlan plan;
        RollbackResult result;
        try (GoogleClients clients = run.open(env)) {
            run.lease(env, clients, entry);
            Stages.Releases releases = run.stages.releases(env, clients);
            EnvironmentRollback rollback = releases.cloudRun().rollback();
            plan = rollback.plan(run.config, env, new RollbackRequest(to, service == null || ALL.equals(service) ? null : service, force, revertOf));
            Instant moving = run.now();
            try {
                result = rollback.execute(run.config, env, plan);
            } catch (DeployException e) {
                // Stopped half-way: the rollback recorded itself as failed; that record is this run's, not a second one.
                ReleaseHistory.read(releases.store()).newest()
                        .filter(r -> r.kind() == Kind.ROLLBACK && !r.startedAt().isBefore(moving))
                        .ifPresent(failed -> run.journal.update(env.name(), j -> j.rollback = failed));
                throw e;
            }
            if (!revert && entry.release() != null && "rollback".equals(entry.kind())) {
                run.releaseLease(env, clients, entry);
            }
        }
        RollbackResult done = result;
        run.journal.update(env.name(), d -> {
            d.rollback = done.record();
            if (revert) {
                // What the applies put live was moved back: a rerun must apply again, not skip them.
                for (Phase p : List.of(Phase.SERVICES_APPLY, Phase.GATEWAY_APPLY, Phase.HEALTH)) {
                    RunJournal.PhaseRecord r = d.phases.get(p.id());
                    if (r != null) {
                        d.phase(p, REVERTED, r.inputs(), run.now(), "traffic moved back by " + done.record().id());
                    }
                }
            }
        });
        if (revert && !plan.changing().isEmpty()) {
            // A standalone rollback is told of when its record is finished; a deploy's revert is news at once.
            notices.tell(env, Event.ROLLED_BACK, "Traffic moved back to what was live before this run: " + String.join(", ",
                    plan.changing().stream().map(m -> m.service() + " to " + m.toRevision()).toList()) + ".");
        }
        return new RollbackOutcome(plan.changing(), result.health().healthy(), result.record());
    }
}
