package io.mmdeploy.engine.steps;

import io.mmdeploy.engine.approval.GatePlan;
import io.mmdeploy.engine.approval.RecordedApproval;
import io.mmdeploy.engine.canary.CanaryRollout;
import io.mmdeploy.engine.config.ApprovalPolicy.Gate;
import io.mmdeploy.engine.config.EnvironmentSpec;
import io.mmdeploy.engine.diagnostics.DeployException;
import io.mmdeploy.engine.flow.DeployFlow;
import io.mmdeploy.engine.flow.Phase;
import io.mmdeploy.engine.gcp.GoogleClients;
import io.mmdeploy.engine.images.ImageRef;
import io.mmdeploy.engine.lease.Lease;
import io.mmdeploy.engine.release.ReleaseRecord.PlanRecord;
import io.mmdeploy.engine.release.ReleaseRecord;
import io.mmdeploy.engine.serviceurls.CloudRunUrls;
import io.mmdeploy.engine.serviceurls.ServiceUrls;
import io.mmdeploy.engine.source.Sha256;
import io.mmdeploy.engine.tofu.ApplyTofu;
import io.mmdeploy.engine.tofu.PlanSummary;
import io.mmdeploy.engine.tofu.TofuRequest;
import io.mmdeploy.engine.tofu.tfvars.ImageVarsWriter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The run's two tofu phases (services, and the gateway's targeted one): a plan whose image variables come from the run
 * and the live release, the gate's view of it, and the apply of exactly that plan, once, where gated only with the
 * host's recorded approval of its hash.
 */
final class TofuPhase {
    private final RunContext run;

    TofuPhase(RunContext run) {
        this.run = run;
    }

    /** tofu init of the services' configuration ahead of its plan, beside the builds: it changes nothing deployed. */
    void prepare(EnvironmentSpec env) {
        run.mayChange(env);
        run.stages.applyTofu(env).init(request(env, Phase.SERVICES_PLAN));
    }

    /**
     * {@code planOnly} plans; {@code approvedPlanHash} applies that saved plan of this run; neither plans and applies in
     * one call, where no gate stands between.
     */
    TofuResult planOrApply(EnvironmentSpec env, Phase planPhase, boolean planOnly, String approvedPlanHash) throws InterruptedException {
        Phase applyPhase = DeployFlow.applyOf(planPhase);
        Gate gate = DeployFlow.gateAfter(planPhase);
        if (planOnly && approvedPlanHash != null) {
            throw DeployException.of("planOnly and approvedPlanHash together",
                    "approvedPlanHash applies a saved plan; planOnly makes a new one. Give one of them.");
        }
        if (approvedPlanHash != null) {
            return apply(env, applyPhase, approvedPlanHash);
        }
        if (!planOnly && RunContext.policy(env).gated(gate)) {
            throw DeployException.of("Refusing to plan and apply " + env.name() + " in one call",
                    "The " + env.name() + " policy requires approval before the " + gate.id() + " phase: plan with planOnly: true,"
                            + " pass the plan through mmApprovalGate, then apply it with approvedPlanHash: <the plan's planHash>.");
        }
        TofuResult planned = plan(env, planPhase);
        return planOnly || planned.skipped() ? planned : apply(env, applyPhase, planned.planHash());
    }

    /**
     * Writes every image variable from this run's images and, for what this run did not build, from the live release,
     * then plans. A plan phase whose apply already succeeded in this run with the same variables is not redone.
     */
    private TofuResult plan(EnvironmentSpec env, Phase planPhase) throws InterruptedException {
        Phase applyPhase = DeployFlow.applyOf(planPhase);
        RunJournal.Entry entry = run.guard(env, planPhase);
        try (GoogleClients clients = run.open(env)) {
            Optional<ReleaseRecord> live = run.live(env, clients);
            String withGateway = planPhase == Phase.SERVICES_PLAN ? gatewayWithServices(env, entry, clients) : null;
            Map<String, String> variables = ImageVariables.compose(run.config, entry.imageRefs(), live,
                    planPhase == Phase.GATEWAY_PLAN || withGateway != null, run.stages.log("tfvars"));
            String inputs = inputs(variables);
            if (planPhase == Phase.GATEWAY_PLAN && appliedWithServices(entry)) {
                return gatewayAppliedWithServices(env, entry, inputs);
            }
            RunJournal.PhaseRecord applied = entry.phase(applyPhase);
            RunJournal.PendingPlan previous = entry.pending().get(planPhase.id());
            if (applied != null && applied.succeeded() && inputs.equals(applied.inputs()) && previous != null) {
                log().info(planPhase.title() + ": already applied in this run with the same images; not planned again");
                return TofuResult.alreadyApplied(previous.hash(),
                        "Already applied in this run (plan " + FlowGuard.shortHash(previous.hash()) + ").", previous.imageChanges());
            }
            RunJournal.PendingPlan open = entry.openPlan(planPhase);
            RunJournal.PhaseRecord planned = entry.phase(planPhase);
            String liveId = live.map(ReleaseRecord::id).orElse(null);
            if (open != null && planned != null && planned.succeeded() && inputs.equals(planned.inputs())
                    && Objects.equals(open.liveRelease(), liveId)) {
                // The saved plan still stands for these inputs: planning again would only change its hash (and re-ask).
                log().info(planPhase.title() + ": the run's plan " + FlowGuard.shortHash(open.hash()) + " still stands; not planned again");
                return TofuResult.of(new ApplyTofu.Outcome(ApplyTofu.savedSummary(run.host.workspace(), request(env, planPhase), open.hash()),
                        false, null), open.imageChanges());
            }
            run.lease(env, clients, entry);
            // As checked out, before the variables go in: a plan made again without the gateway starts from it.
            String checkedOut = withGateway == null ? null : varFileText(env);
            PlanSummary summary;
            String gatewayImage = withGateway;
            try {
                summary = planWith(env, planPhase, variables);
                Optional<String> moved = gatewayImage == null ? Optional.empty() : movesAService(summary);
                if (moved.isPresent()) {
                    // A service created or replaced may come back with another URL than the one the gateway was built
                    // with: the gateway goes to its own plan, after the URLs are published, and this plan is made without it.
                    log().info(Phase.SERVICES_PLAN.title() + ": the gateway keeps its own plan (this plan " + moved.get()
                            + ", so a URL it was built with may change); planning the services without it");
                    gatewayImage = null;
                    variables = ImageVariables.compose(run.config, entry.imageRefs(), live, false, run.stages.log("tfvars"));
                    inputs = inputs(variables);
                    // A gateway no release recorded keeps the var file's value, not the image just written.
                    writeVarFile(env, checkedOut);
                    summary = planWith(env, planPhase, variables);
                }
            } catch (RuntimeException e) {
                run.failed(env, planPhase, e);
                throw e;
            }
            String plannedGateway = gatewayImage;
            String plannedInputs = inputs;
            PlanSummary finalSummary = summary;
            List<String> imageChanges = summary.imageChanges().stream()
                    .map(c -> c.address() + ": " + c.before() + " -> " + c.after()).toList();
            run.journal.update(env.name(), d -> {
                d.pending.put(planPhase.id(), new RunJournal.PendingPlan(finalSummary.planHash(), liveId, finalSummary.changed(), imageChanges,
                        false, plannedGateway));
                d.phase(planPhase, RunJournal.SUCCEEDED, plannedInputs, run.now(), "plan " + FlowGuard.shortHash(finalSummary.planHash()));
            });
            return TofuResult.of(new ApplyTofu.Outcome(summary, false, null), imageChanges);
        }
    }

    /**
     * The gateway image the services' plan carries, or null. Only where the flow plans the gateway with the services, and
     * only an image of this run built with the URLs the services have now: a URL that was only expected (a new service)
     * leaves the gateway to its own plan after the services' URLs are published, so an image with a wrong URL is never
     * applied. A services' plan that then turns out to create, replace or delete a service is made again without it.
     */
    private String gatewayWithServices(EnvironmentSpec env, RunJournal.Entry entry, GoogleClients clients) {
        if (!run.flow(env).plansGatewayWithServices() || !entry.succeeded(Phase.GATEWAY_BUILD)) {
            return null;
        }
        ImageRef image = entry.imageRefs().get(run.config.gatewaySpec().orElseThrow().name());
        Optional<ServiceUrls> now = new CloudRunUrls(clients.services()).existing(env, run.config.httpServices());
        if (image == null || now.isEmpty() || !UrlsPhase.fingerprint(now.get()).equals(entry.phase(Phase.GATEWAY_BUILD).inputs())) {
            log().info(Phase.SERVICES_PLAN.title() + ": the gateway keeps its own plan (its image was built with URLs not all"
                    + " of existing services)");
            return null;
        }
        log().info(Phase.SERVICES_PLAN.title() + ": the gateway " + image.ref() + " goes with the services (built with their current URLs)");
        return image.ref();
    }

    /** The image variables written into the var file, then the plan. */
    private PlanSummary planWith(EnvironmentSpec env, Phase planPhase, Map<String, String> variables) throws InterruptedException {
        new ImageVarsWriter(run.host.workspace(), run.stages.log("tfvars")).write(env.tofu().imageVarFile(), variables);
        return run.stages.applyTofu(env).plan(request(env, planPhase));
    }

    /** Which image variables a plan was made with, as one value. */
    private static String inputs(Map<String, String> variables) {
        return Sha256.hex(new TreeMap<>(variables).toString());
    }

    /** The var file as it is; null when there is none (the var file's writer then refuses, naming it). */
    private String varFileText(EnvironmentSpec env) {
        String file = env.tofu().imageVarFile();
        try {
            return run.host.workspace().readText(file).orElse(null);
        } catch (java.io.IOException e) {
            throw DeployException.of("Cannot read " + file + " in " + run.host.workspace().describe(), String.valueOf(e.getMessage()));
        }
    }

    private void writeVarFile(EnvironmentSpec env, String text) {
        String file = env.tofu().imageVarFile();
        try {
            run.host.workspace().writeText(file, text);
        } catch (java.io.IOException e) {
            throw DeployException.of("Cannot write " + file + " in " + run.host.workspace().describe(), String.valueOf(e.getMessage()));
        }
    }

    /** The first Cloud Run service other than the gateway that the plan creates, replaces or deletes, in words; empty for none. */
    private Optional<String> movesAService(PlanSummary plan) {
        String gateway = run.config.gatewaySpec().orElseThrow().tofuTarget();
        return plan.changes().stream()
                .filter(c -> c.action() == PlanSummary.Action.CREATE || c.action() == PlanSummary.Action.REPLACE || c.action() == PlanSummary.Action.DELETE)
                .filter(c -> !c.address().equals(gateway) && isCloudRunService(c.address()))
                .map(c -> c.action().id() + "s " + c.address()).findFirst();
    }

    private static boolean isCloudRunService(String address) {
        for (String part : address.split("\\.")) {
            if (part.equals("google_cloud_run_v2_service")) {
                return true;
            }
        }
        return false;
    }

    /** The services' apply of this run put the gateway's current image live already (and its URLs were not rebuilt since). */
    private boolean appliedWithServices(RunJournal.Entry entry) {
        RunJournal.PendingPlan services = entry.pending().get(Phase.SERVICES_PLAN.id());
        ImageRef gateway = entry.imageRefs().get(run.config.gatewaySpec().orElseThrow().name());
        return services != null && services.consumed() && services.gatewayImage() != null && entry.succeeded(Phase.SERVICES_APPLY)
                && gateway != null && services.gatewayImage().equals(gateway.ref());
    }

    /** Its plan and apply are the services' ones: recorded as done, with the gateway's gate passing by itself. */
    private TofuResult gatewayAppliedWithServices(EnvironmentSpec env, RunJournal.Entry entry, String inputs) {
        RunJournal.PendingPlan services = entry.pending().get(Phase.SERVICES_PLAN.id());
        String note = "applied with the services' plan " + FlowGuard.shortHash(services.hash());
        log().info(Phase.GATEWAY_PLAN.title() + ": the gateway " + services.gatewayImage() + " was " + note + "; nothing to plan");
        run.journal.update(env.name(), d -> {
            d.pending.put(Phase.GATEWAY_PLAN.id(), services);
            d.phase(Phase.GATEWAY_PLAN, RunJournal.SUCCEEDED, inputs, run.now(), note);
            d.phase(Phase.GATEWAY_APPLY, RunJournal.SUCCEEDED, inputs, run.now(), note);
            d.approvals.add(ReleaseRecord.Approval.auto(Gate.GATEWAY.id(), run.now()));
        });
        return TofuResult.alreadyApplied(services.hash(), "Applied with the services' plan (" + FlowGuard.shortHash(services.hash()) + ").",
                services.imageChanges().stream().filter(c -> c.startsWith(run.config.gatewaySpec().orElseThrow().tofuTarget())).toList());
    }

    /** Applies the run's open plan of the phase, if it is the one given and (where gated) the host recorded its approval. */
    private TofuResult apply(EnvironmentSpec env, Phase applyPhase, String planHash) throws InterruptedException {
        Phase planPhase = DeployFlow.planOf(applyPhase);
        RunJournal.Entry entry = run.guard(env, applyPhase);
        RunJournal.PendingPlan last = entry.pending().get(planPhase.id());
        if (last != null && last.consumed() && last.hash().equals(planHash) && entry.succeeded(applyPhase)) {
            return TofuResult.alreadyApplied(planHash, "Already applied in this run.", last.imageChanges());
        }
        TofuRequest request = request(env, planPhase);
        try (GoogleClients clients = run.open(env)) {
            RecordedApproval approval = requireOpenApprovedPlan(env, applyPhase, planPhase, planHash, clients);
            Lease lease = run.lease(env, clients, entry);
            RunJournal.PendingPlan open = entry.openPlan(planPhase);
            String inputs = entry.phase(planPhase).inputs();
            run.journal.update(env.name(), d -> {
                // A plan is applied once: whatever happens now, a rerun plans again.
                d.pending.put(planPhase.id(), open.consume());
                d.phase(applyPhase, RunJournal.RUNNING, inputs, run.now(), null);
            });
            ApplyTofu.Outcome outcome;
            try (Lease.KeptAlive held = run.keepAlive(lease)) {
                if (applyPhase != Phase.SERVICES_APPLY) {
                    outcome = run.stages.applyTofu(env).run(request, false, planHash);
                } else {
                    ServiceTraffic traffic = new ServiceTraffic(run, env, clients);
                    List<CanaryRollout.Pinned> pinned = traffic.beforeApply();
                    outcome = run.stages.applyTofu(env).run(request, false, planHash);
                    traffic.afterApply(pinned);
                }
            } catch (RuntimeException e) {
                run.failed(env, applyPhase, e);
                throw e;
            }
            Gate gate = DeployFlow.gateAfter(planPhase);
            run.journal.update(env.name(), d -> {
                d.plans.add(PlanRecord.of(gate.id(), outcome.summary()));
                d.approvals.add(approval != null ? ReleaseRecord.Approval.of(approval.approval())
                        : RunContext.policy(env).gated(gate) ? ReleaseRecord.Approval.unchanged(gate.id(), run.now())
                        : ReleaseRecord.Approval.auto(gate.id(), run.now()));
                d.phase(applyPhase, RunJournal.SUCCEEDED, inputs, run.now(), "applied " + FlowGuard.shortHash(planHash));
            });
            return TofuResult.of(outcome, open.imageChanges());
        }
    }

    /**
     * What the approver of a gate is shown: the open plan of that phase. The run waits at a gate without the
     * environment's lease, so an emergency rollback never waits behind an approval; the next phase takes it again
     * and checks the plan is not stale.
     */
    GatePlan openGate(EnvironmentSpec env, Gate gate) {
        Phase planPhase = gate == Gate.SERVICES ? Phase.SERVICES_PLAN : Phase.GATEWAY_PLAN;
        RunJournal.Entry entry = run.journal.read(env.name());
        RunJournal.PendingPlan open = entry.openPlan(planPhase);
        RunJournal.PendingPlan applied = entry.pending().get(planPhase.id());
        if (open == null && applied != null && entry.succeeded(DeployFlow.applyOf(planPhase))) {
            // A rerun past a gate already passed: the plan it approved is applied; there is nothing new to approve.
            return new GatePlan(gate.id(), applied.hash(), "Already applied in this run.", applied.imageChanges(), false, true, true,
                    List.of());
        }
        if (open == null) {
            throw FlowGuard.refusal(run.flow(env), env, planPhase, "there is no open " + gate.id() + " plan to approve in this run", planPhase);
        }
        PlanSummary summary = ApplyTofu.savedSummary(run.host.workspace(), request(env, planPhase), open.hash());
        List<String> people;
        try (GoogleClients clients = run.open(env)) {
            people = run.people(run.live(env, clients));
            run.releaseLease(env, clients, entry);
        }
        boolean automatic = !RunContext.policy(env).gated(gate) || !open.changed();
        if (automatic && RunContext.policy(env).gated(gate)) {
            run.stages.log(ApplyTofu.STAGE).info("Gate " + gate.id() + ": the plan " + FlowGuard.shortHash(open.hash())
                    + " changes nothing, so it passes by itself");
        }
        return new GatePlan(gate.id(), open.hash(), summary.renderText(), open.imageChanges(), open.changed(), automatic, false,
                people);
    }

    /**
     * The phase's plan is this run's open one, not stale (the live release is still the one it was planned against), and
     * where the policy gates it, approved by a person as the host recorded it. Returns that approval (null: no gate).
     *
     * @param planHash the hash the caller means; null for "the open one" (migrations go with the open services plan)
     */
    RecordedApproval requireOpenApprovedPlan(EnvironmentSpec env, Phase phase, Phase planPhase, String planHash, GoogleClients clients) {
        RunJournal.Entry entry = run.journal.read(env.name());
        RunJournal.PendingPlan open = entry.openPlan(planPhase);
        if (open == null) {
            RunJournal.PendingPlan used = entry.pending().get(planPhase.id());
            throw FlowGuard.refusal(run.flow(env), env, phase, used == null ? "there is no " + planPhase.title().toLowerCase(Locale.ROOT) + " in this run"
                    : "the plan " + FlowGuard.shortHash(used.hash()) + " was already used by an apply (a plan is applied once)", planPhase);
        }
        if (planHash != null && !planHash.equals(open.hash())) {
            throw DeployException.of("Refusing " + phase.title() + " in " + env.name() + ": plan " + FlowGuard.shortHash(planHash)
                            + " is not this run's open plan",
                    "This run's " + planPhase.title().toLowerCase(Locale.ROOT) + " is " + open.hash() + "; an approval or a hash of another"
                            + " plan never applies this one. Nothing was changed.");
        }
        String live = run.live(env, clients).map(ReleaseRecord::id).orElse(null);
        if (!Objects.equals(live, open.liveRelease())) {
            throw DeployException.of("Re-plan required: " + env.name() + " changed after the plan",
                    "The plan " + FlowGuard.shortHash(open.hash()) + " was made while release " + open.liveRelease() + " was live; now "
                            + live + " is. " + planPhase.step() + " plans again (and, where gated, asks again). Nothing was changed.");
        }
        Gate gate = DeployFlow.gateAfter(planPhase);
        if (!RunContext.policy(env).gated(gate) || !open.changed()) {
            return null; // no gate, or a plan that changes nothing: nothing for a person to approve
        }
        return run.host.approvals().find(env.name(), gate, open.hash())
                .orElseThrow(() -> FlowGuard.notApproved(env, phase, gate, open.hash()));
    }

    private TofuRequest request(EnvironmentSpec env, Phase planPhase) {
        TofuRequest request = TofuRequest.of(env, "");
        return planPhase == Phase.GATEWAY_PLAN ? request.withTarget(run.config.gatewaySpec().orElseThrow().tofuTarget()) : request;
    }

    private io.mmdeploy.engine.port.StageLog log() {
        return run.stages.log(ApplyTofu.STAGE);
    }
}
