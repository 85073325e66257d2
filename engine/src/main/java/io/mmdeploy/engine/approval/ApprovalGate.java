package io.mmdeploy.engine.approval;

import io.mmdeploy.engine.config.ApprovalPolicy;
import io.mmdeploy.engine.config.ApprovalPolicy.Gate;
import io.mmdeploy.engine.config.EnvironmentSpec;
import io.mmdeploy.engine.diagnostics.DeployException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * The approval policy applied to one gate: whether it waits, for whom, how long, and whether an attempt to pass it
 * counts. Hosts only show the pause (Jenkins: the input step; the CLI: a prompt) and hand back who answered.
 */
public final class ApprovalGate {
    private final Clock clock;

    public ApprovalGate(Clock clock) {
        this.clock = clock;
    }

    /**
     * Decides what the gate before {@code phase} does in {@code environment}.
     *
     * @param phase {@code services} or {@code gateway}
     * @param summary what is about to change (e.g. the plan summary); shown to the approver
     * @throws DeployException when the phase is unknown
     */
    public GateDecision decide(EnvironmentSpec environment, String phase, String summary) {
        Gate gate = gate(phase);
        ApprovalPolicy policy = environment.approval() == null ? ApprovalPolicy.none() : environment.approval();
        Duration timeout = policy.timeout() == null ? ApprovalPolicy.DEFAULT_TIMEOUT : policy.timeout();
        String message = summary == null || summary.isBlank()
                ? "Deploy " + gate.id() + " to " + environment.name() + "?"
                : summary.strip();
        return new GateDecision(
                environment.name(),
                gate,
                !policy.gated(gate),
                inputId(environment.name(), gate),
                message,
                policy.submitters(),
                timeout,
                policy.fourEyes());
    }

    /** The approval of a gate the policy does not hold: approver {@code auto}, now. */
    public Approval pass(GateDecision decision) {
        if (!decision.automatic()) {
            throw new IllegalStateException("the " + decision.phase().id() + " gate of " + decision.environment() + " needs a person");
        }
        return new Approval(Approval.AUTO, clock.instant(), decision.phase());
    }

    /**
     * Whether {@code approver}'s answer passes the gate.
     *
     * @param approver the id of the user who approved; null when the host could not tell (anonymous)
     * @param starter the id of the user who started the deploy; null when no user did (timer, SCM push)
     */
    public GateReview review(GateDecision decision, String approver, String starter) {
        boolean known = approver != null && !approver.isBlank();
        if (decision.fourEyes()) {
            if (!known) {
                return GateReview.refused("The " + decision.environment() + " policy asks for four eyes, and this approval"
                        + " came from an anonymous user. Sign in to approve; the gate stays open.");
            }
            if (starter != null && approver.strip().equalsIgnoreCase(starter.strip())) {
                return GateReview.refused(approver.strip() + " started this deploy and cannot also approve it: the "
                        + decision.environment() + " policy asks for four eyes. The gate stays open for another approver.");
            }
        }
        return GateReview.accepted(new Approval(known ? approver.strip() : "anonymous", clock.instant(), decision.phase()));
    }

    /** When a gate opened at {@code openedAt} gives up (the deploy is then aborted). */
    public Instant deadline(GateDecision decision, Instant openedAt) {
        return openedAt.plus(decision.timeout());
    }

    /** The message a timed-out gate leaves in the log. */
    public String timedOut(GateDecision decision) {
        return "Nobody approved the " + decision.phase().id() + " gate of " + decision.environment() + " within "
                + render(decision.timeout()) + " (the policy's timeout): the deploy is aborted.";
    }

    public Instant now() {
        return clock.instant();
    }

    static Gate gate(String phase) {
        for (Gate gate : Gate.values()) {
            if (gate.id().equals(phase)) {
                return gate;
            }
        }
        String known = Arrays.stream(Gate.values()).map(Gate::id).collect(Collectors.joining(", "));
        throw DeployException.of(
                "Unknown approval phase \"" + phase + "\"",
                "mmApprovalGate's phase must be one of " + known + ".");
    }

    /** {@code MmDeployProductionServices}: one id per environment and phase, letters and digits only. */
    static String inputId(String environment, Gate gate) {
        return "MmDeploy" + capitalized(environment) + capitalized(gate.id());
    }

    private static String capitalized(String text) {
        StringBuilder out = new StringBuilder();
        for (String part : Objects.requireNonNull(text).split("[^A-Za-z0-9]+")) {
            if (!part.isEmpty()) {
                out.append(part.substring(0, 1).toUpperCase(Locale.ROOT)).append(part.substring(1));
            }
        }
        return out.toString();
    }

    private static String render(Duration duration) {
        return duration.toString().substring(2).toLowerCase(Locale.ROOT);
    }
}
