package io.mmdeploy.engine.steps;

import io.mmdeploy.engine.approval.ApprovalLedger;
import io.mmdeploy.engine.approval.GatePlan;
import io.mmdeploy.engine.approval.RecordedApproval;
import io.mmdeploy.engine.config.ApprovalPolicy.Gate;
import io.mmdeploy.engine.config.EnvironmentSpec;
import io.mmdeploy.engine.diagnostics.DeployException;
import io.mmdeploy.engine.diagnostics.Diagnostic;
import io.mmdeploy.engine.flow.DeployFlow;
import io.mmdeploy.engine.flow.FlowGraph;
import io.mmdeploy.engine.flow.FlowStep;
import io.mmdeploy.engine.flow.Phase;
import io.mmdeploy.engine.health.HealthReport;
import io.mmdeploy.engine.health.HealthResult;
import io.mmdeploy.engine.images.ImageRef;
import io.mmdeploy.engine.port.StageLog;
import io.mmdeploy.engine.release.RollbackPlan;
import io.mmdeploy.engine.smoke.SmokeReport;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The whole deploy of one environment through the {@link DeployFlow}, as {@code mmdeploy deploy} runs it: the same
 * {@link DeploySteps} the Jenkins steps call, in the flow's order, with the gates asked of the operator. On a failure
 * the release is recorded as failed in that phase; a failed health check first moves the unhealthy services' traffic
 * back (the rollback rule on migrations applies). A rerun continues from where it stopped.
 */
public final class DeployRun {
    public static final String STAGE = "deploy";

    /** Asks a person at a gate; empty when they rejected it. */
    @FunctionalInterface
    public interface Gatekeeper {
        /**
         * @param plan the gate's open plan, as {@link DeploySteps#openGate} returns it
         * @return who approved, or empty for a rejection
         * @throws DeployException when nobody can be asked (no terminal): the message names what to do instead
         */
        Optional<String> ask(EnvironmentSpec env, Gate gate, GatePlan plan);
    }

    /** Told as each step of the flow starts and ends (a host shows progress; a test injects a fault at that point). */
    @FunctionalInterface
    public interface Progress {
        Progress NONE = step -> { };

        void starting(FlowStep step);

        /** The step ended well (a gate: it passed). */
        default void finished(FlowStep step) {
        }
    }

    /** The approvals of this process: given on the command line for plans reviewed earlier, or at the terminal. */
    public static final class Approvals implements ApprovalLedger {
        private final Map<String, RecordedApproval> byKey = new ConcurrentHashMap<>();

        public void record(RecordedApproval approval) {
            byKey.put(key(approval.environment(), approval.gate(), approval.planHash()), approval);
        }

        @Override
        public Optional<RecordedApproval> find(String environment, Gate gate, String planHash) {
            return Optional.ofNullable(byKey.get(key(environment, gate, planHash)));
        }

        private static String key(String environment, Gate gate, String planHash) {
            return environment + "\n" + gate.id() + "\n" + planHash;
        }
    }

    /**
     * How the run ended.
     *
     * @param release the release id
     * @param status {@code SUCCEEDED}, {@code WAITING} (stopped at a gate: {@code waitingAt} and its plan's hash), or
     *     {@code REJECTED}
     * @param phases each phase's elapsed time, in order
     */
    public record Result(String release, String status, String waitingAt, String planHash, Map<String, Duration> phases) {}

    private final DeploySteps steps;
    private final Approvals approvals;
    private final Gatekeeper gatekeeper;
    private final Clock clock;
    private final StageLog log;
    private final String approver;
    private final Progress progress;

    /** @param approver the operator's name, for approvals given at the terminal or on the command line */
    public DeployRun(DeploySteps steps, Approvals approvals, Gatekeeper gatekeeper, Clock clock, StageLog log, String approver,
            Progress progress) {
        this.progress = progress;
        this.steps = steps;
        this.approvals = approvals;
        this.gatekeeper = gatekeeper;
        this.clock = clock;
        this.log = log;
        this.approver = approver;
    }

    /**
     * Runs the flow as its {@link FlowGraph}: each step starts as soon as what it waits for is done (the builds beside
     * the gateway's build and tofu's init; in an ungated environment each migration as soon as its own service's image
     * is ready, beside the other builds and the services' plan), with
     * every gate and every phase's own refusal as before. On a failure nothing new starts, what runs is let finish,
     * and the release is recorded as failed at the first phase that failed.
     *
     * @param planOnly stop at the first gate nobody approved yet, printing its plan's hash for {@code --approve-plan}
     * @param preApproved gate id → hash of a plan the operator reviewed earlier (a {@code --plan-only} run)
     */
    public Result run(String environment, boolean planOnly, Map<String, String> preApproved) throws InterruptedException {
        try (RunContext.SharedClients shared = steps.shareClients()) {
            return runShared(environment, planOnly, preApproved);
        }
    }

    private Result runShared(String environment, boolean planOnly, Map<String, String> preApproved) throws InterruptedException {
        DeployFlow flow = steps.flow(environment);
        FlowGraph graph = FlowGraph.of(flow);
        Map<String, Duration> elapsed = new ConcurrentHashMap<>();
        PreflightResult preflight = steps.preflight(environment);
        String release = preflight.release();
        steps.release(environment, DeploySteps.START, null, null, "deploy");
        List<FlowStep> all = flow.steps();
        int total = (int) all.stream().filter(s -> !s.isGate()).count();
        Map<Phase, String> hashes = new ConcurrentHashMap<>();
        progress.starting(all.get(0));
        log.info("[1/" + total + "] " + all.get(0).title() + ": release " + release + (preflight.resumed() ? " (continuing an earlier run)" : ""));
        progress.finished(all.get(0));

        Set<String> done = new HashSet<>(Set.of(Phase.PREFLIGHT.id()));
        Set<String> started = new HashSet<>(done);
        ExecutorService pool = Executors.newCachedThreadPool(task -> {
            Thread t = new Thread(task, "mm-deploy " + environment);
            t.setDaemon(true);
            return t;
        });
        CompletionService<Finished> finished = new ExecutorCompletionService<>(pool);
        // Where the flow allows, each migration starts once its own service's image is ready (DeployFlow#migratesAsImagesReady).
        ReadyImages ready = new ReadyImages();
        int running = 0;
        Finished failure = null;
        Result stop = null;
        try {
            while (true) {
                if (failure == null && stop == null) {
                    for (FlowGraph.Node node : graph.nodes()) {
                        if (!started.contains(node.id()) && done.containsAll(node.needs())) {
                            started.add(node.id());
                            finished.submit(() -> runNode(environment, node, all, total, planOnly, preApproved, release, elapsed, hashes, ready));
                            running++;
                        }
                    }
                }
                if (running == 0) {
                    break;
                }
                Finished end = take(finished);
                running--;
                if (end.error() != null) {
                    failure = cause(failure, end, ready);
                    ready.failed(end.node().id());
                } else if (end.stop() != null) {
                    stop = stop == null ? end.stop() : stop;
                    ready.stopped("the run stopped at the " + end.stop().waitingAt() + " gate");
                } else {
                    done.add(end.node().id());
                }
            }
        } finally {
            ready.stopped("the run ended");
            pool.shutdownNow();
        }
        Map<String, Duration> ordered = inFlowOrder(all, elapsed);
        if (failure != null) {
            throw failed(environment, release, failure);
        }
        if (stop != null) {
            if ("REJECTED".equals(stop.status())) {
                steps.release(environment, DeploySteps.FINISH, "FAILED", "gate-" + stop.waitingAt(), null);
            }
            return new Result(stop.release(), stop.status(), stop.waitingAt(), stop.planHash(), ordered);
        }
        return new Result(release, "SUCCEEDED", null, null, ordered);
    }

    /** The failure the release is recorded with: the first taken, unless {@link #causeFirst} says the later one caused it. */
    private static Finished cause(Finished first, Finished end, ReadyImages ready) {
        return first == null || causeFirst(first.node().id(), end.node().id(), ready.failedFirst()) ? end : first;
    }

    /**
     * Whether {@code later} (a node's failure taken after {@code first}'s) is the cause: it is the phase whose failure
     * stopped the waiting migrations ({@link ReadyImages#failedFirst}), and a migration it stopped was taken first.
     */
    static boolean causeFirst(String first, String later, String failedFirst) {
        return later.equals(failedFirst) && !first.equals(failedFirst);
    }

    /** How one node of the graph ended: done, a stop at a gate, or an error. */
    private record Finished(FlowGraph.Node node, Result stop, Throwable error) {}

    private Finished runNode(String environment, FlowGraph.Node node, List<FlowStep> all, int total, boolean planOnly,
            Map<String, String> preApproved, String release, Map<String, Duration> elapsed, Map<Phase, String> hashes, ReadyImages ready) {
        try {
            if (node.step() == null) {
                steps.prepareTofu(environment);
                return new Finished(node, null, null);
            }
            FlowStep step = node.step();
            progress.starting(step);
            if (step.isGate()) {
                Result stop = gate(environment, step.gate(), planOnly, preApproved, release).orElse(null);
                if (stop == null) {
                    progress.finished(step);
                }
                return new Finished(node, stop, null);
            }
            int n = all.stream().filter(s -> !s.isGate()).toList().indexOf(step) + 1;
            Instant began = clock.instant();
            log.info("[" + n + "/" + total + "] " + step.title() + " ...");
            String note = phase(environment, step.phase(), hashes, ready);
            Duration took = Duration.between(began, clock.instant());
            elapsed.put(step.phase().id(), took);
            log.info("[" + n + "/" + total + "] " + step.title() + ": " + note + " (" + seconds(took) + ")");
            progress.finished(step);
            return new Finished(node, null, null);
        } catch (Throwable e) {
            return new Finished(node, null, e);
        }
    }

    private static Finished take(CompletionService<Finished> finished) throws InterruptedException {
        try {
            return finished.take().get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("a node's task never throws", e.getCause());
        }
    }

    private DeployException failed(String environment, String release, Finished failure) throws InterruptedException {
        Throwable e = failure.error();
        if (e instanceof DeployException d) {
            return stopped(environment, release, failure.node().step(), d);
        }
        if (e instanceof InterruptedException i) {
            throw i;
        }
        if (e instanceof RuntimeException r) {
            throw r;
        }
        throw (Error) e;
    }

    private static Map<String, Duration> inFlowOrder(List<FlowStep> all, Map<String, Duration> elapsed) {
        Map<String, Duration> out = new LinkedHashMap<>();
        all.stream().filter(s -> !s.isGate() && elapsed.containsKey(s.phase().id())).forEach(s -> out.put(s.phase().id(), elapsed.get(s.phase().id())));
        return out;
    }

    /** One phase; returns what it did in a few words. Health failures revert and throw. */
    private String phase(String environment, Phase phase, Map<Phase, String> hashes, ReadyImages ready) throws InterruptedException {
        switch (phase) {
            case PROMOTE_IMAGES -> {
                ImagesResult r = steps.promoteImages(environment);
                return r.images().isEmpty() ? "nothing to promote: building" : r.images().size() + " promoted by digest";
            }
            case VULNERABILITY_SCAN -> {
                return steps.vulnerabilityScan(environment).summary();
            }
            case BUILD_IMAGES -> {
                ImagesResult r;
                try {
                    r = steps.buildImages(environment, ready::ready);
                } catch (RuntimeException | InterruptedException e) {
                    // Here and not only in the run's loop: a migration waiting for an image must never outlive the builds.
                    ready.failed(Phase.BUILD_IMAGES.id());
                    throw e;
                }
                ready.buildsEnded();
                return r.built() + " built, " + r.reused() + " reused";
            }
            case SERVICES_PLAN, GATEWAY_PLAN -> {
                TofuResult r = phase == Phase.SERVICES_PLAN ? steps.applyTofu(environment, null, true, null)
                        : steps.deployGateway(environment, false, true, null).tofu();
                hashes.put(phase, r.planHash());
                return r.skipped() ? r.summaryText()
                        : "plan " + FlowGuard.shortHash(r.planHash()) + ", image changes: " + r.imageChanges();
            }
            case MIGRATIONS -> {
                MigrationsResult r = steps.runMigrations(environment, ready);
                return r.skipped() ? "already ran in this run" : r.executions().size() + " execution(s)";
            }
            case SERVICES_APPLY -> {
                steps.applyTofu(environment, null, false, hashes.get(Phase.SERVICES_PLAN));
                return "applied";
            }
            case SERVICE_URLS -> {
                return "stored as " + steps.serviceUrls(environment).secretVersion();
            }
            case GATEWAY_BUILD -> {
                ImageRef image = steps.deployGateway(environment, true, false, null).image();
                return (image.built() ? "built " : "reused ") + image.ref();
            }
            case GATEWAY_APPLY -> {
                GatewayResult r = steps.deployGateway(environment, false, false, hashes.get(Phase.GATEWAY_PLAN));
                if (r.health() != null) {
                    requireHealthy(environment, phase, r.health());
                }
                return r.tofu().skipped() ? r.tofu().summaryText() : "applied, healthy";
            }
            case HEALTH -> {
                requireHealthy(environment, phase, steps.healthCheck(environment, null));
                return "everything healthy";
            }
            case SMOKE_TESTS -> {
                SmokeReport smoke = steps.smokeTest(environment);
                requirePassed(environment, smoke);
                return smoke.results().isEmpty() ? "none configured" : smoke.results().size() + " passed";
            }
            case RELEASE -> {
                return "recorded " + steps.release(environment, DeploySteps.FINISH, "SUCCEEDED", null, null).release();
            }
            case ALIAS -> {
                return steps.moveAlias(environment).alias() + " moved";
            }
            default -> throw new IllegalStateException("no phase " + phase);
        }
    }

    /** A passed gate: empty. A gate that stops the run (plan-only, or rejected): the result. */
    private Optional<Result> gate(String environment, Gate gate, boolean planOnly, Map<String, String> preApproved, String release) {
        GatePlan open = steps.openGate(environment, gate.id());
        String hash = open.planHash();
        EnvironmentSpec env = steps.environment(environment);
        if (open.automatic() || approvals.find(env.name(), gate, hash).isPresent()) {
            return Optional.empty();
        }
        String given = preApproved.get(gate.id());
        if (given != null) {
            if (!given.equals(hash)) {
                throw DeployException.of("--approve-plan " + gate.id() + "=" + FlowGuard.shortHash(given) + " is not the plan of this run",
                        "This run's " + gate.id() + " plan is " + hash + ": the plan changed since it was reviewed (new images, or the"
                                + " environment changed). Review the new plan (--plan-only) and approve its hash. Nothing after the gate ran.");
            }
            approvals.record(new RecordedApproval(env.name(), gate, hash, approver, clock.instant()));
            log.info("Gate " + gate.id() + ": plan " + FlowGuard.shortHash(hash) + " approved on the command line by " + approver);
            return Optional.empty();
        }
        steps.awaitingApproval(environment, open);
        if (planOnly) {
            log.info("Gate " + gate.id() + ": stopping for review (--plan-only). Approve with: --approve-plan " + gate.id() + "=" + hash);
            return Optional.of(new Result(release, "WAITING", gate.id(), hash, Map.of()));
        }
        Optional<String> who = gatekeeper.ask(env, gate, open);
        if (who.isEmpty()) {
            log.warn("Gate " + gate.id() + ": rejected. Nothing after the gate ran.");
            return Optional.of(new Result(release, "REJECTED", gate.id(), hash, Map.of()));
        }
        approvals.record(new RecordedApproval(env.name(), gate, hash, who.get(), clock.instant()));
        log.info("Gate " + gate.id() + ": plan " + FlowGuard.shortHash(hash) + " approved by " + who.get());
        return Optional.empty();
    }

    private void requireHealthy(String environment, Phase phase, HealthReport health) throws InterruptedException {
        if (health.healthy()) {
            return;
        }
        List<String> lines = new ArrayList<>();
        for (HealthResult r : health.results()) {
            if (r.healthy()) {
                continue;
            }
            Optional<RollbackPlan.Move> move = steps.rollback(environment, r.name(), "previous", false).moved().stream()
                    .filter(m -> m.service().equals(r.name())).findFirst();
            lines.add(r.name() + ": unhealthy (status " + r.lastStatus() + " after " + r.attempts() + " attempts at " + r.url()
                    + "); traffic moved back from " + move.map(RollbackPlan.Move::from).orElse(null) + " to "
                    + move.map(RollbackPlan.Move::toRevision).orElse(null));
        }
        throw DeployException.of("Health check failed in " + steps.environment(environment).name() + " after traffic moved (phase "
                + phase.id() + ")", "Moved back to what was live before this run:\n  - " + String.join("\n  - ", lines));
    }

    /**
     * A smoke test checks the app as a whole (the gateway's federates every service), so a failure moves everything
     * this run changed back to what was live before it, by the rule of a failed health check.
     */
    private void requirePassed(String environment, SmokeReport smoke) throws InterruptedException {
        if (smoke.passed()) {
            return;
        }
        String summary = "Smoke tests failed in " + steps.environment(environment).name() + " after traffic moved";
        String failed = "  - " + String.join("\n  - ", SmokePhase.describe(smoke));
        List<String> moved;
        try {
            moved = steps.rollback(environment, "all", "previous", false).moved().stream()
                    .map(m -> m.service() + " from " + m.from() + " to " + m.toRevision()).toList();
        } catch (DeployException refused) {
            List<Diagnostic> all = new ArrayList<>(List.of(Diagnostic.error(summary, failed + "\nThe traffic could not be moved back:")));
            all.addAll(refused.diagnostics());
            throw new DeployException(all);
        }
        throw DeployException.of(summary, failed + "\nMoved back to what was live before this run: "
                + (moved.isEmpty() ? "nothing had changed" : String.join(", ", moved)) + ".");
    }

    /** The deploy stops: the release is recorded as failed in that phase, and the error says how to go on. */
    private DeployException stopped(String environment, String release, FlowStep at, DeployException cause) {
        String phase = at == null ? Phase.PREFLIGHT.id() : at.id();
        List<Diagnostic> all = new ArrayList<>(cause.diagnostics());
        if (at != null && at.phase() == Phase.ALIAS) {
            // The release is live, healthy and recorded as such; only its tag did not move. Recording it as failed
            // would make an older release "the live one" for the next deploy's image variables.
            all.add(Diagnostic.error("Release " + release + " succeeded, but " + at.title() + " did not move",
                    "Run `mmdeploy deploy --env " + environment + "` again: it changes nothing that is live and moves the alias."));
            return new DeployException(all);
        }
        try {
            steps.release(environment, DeploySteps.FINISH, "FAILED", phase, null);
            all.add(Diagnostic.error("The deploy stopped at " + (at == null ? "preflight" : at.title()) + "; release " + release
                    + " is recorded as failed there", "What succeeded stays done: run `mmdeploy deploy --env " + environment
                    + "` again to continue from this phase once the cause is fixed."));
        } catch (DeployException | InterruptedException recordFailure) {
            if (recordFailure instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            all.add(Diagnostic.error("The deploy stopped at " + phase + " and its failure could not be recorded",
                    recordFailure instanceof DeployException d ? d.diagnostics().get(0).summary() : "interrupted"));
        }
        return new DeployException(all);
    }

    private static String seconds(Duration d) {
        return String.format(java.util.Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
    }
}
