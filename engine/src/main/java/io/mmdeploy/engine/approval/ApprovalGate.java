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
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The approval policy applied to one gate: whether it waits, for whom, how long, and whether an attempt to pass it
 * counts. Hosts only show the pause (Jenkins: the build's approval page; the CLI: a prompt) and hand back who answered.
 */
public final class ApprovalGate {
    private final Clock clock;

    public ApprovalGate(Clock clock) {
        this.clock = clock;
    }

    /**
     * Decides what the gate before {@code phase} does in {@code environment}.
     *
     * @param phase {@code services}, {@code gateway} or {@code rollback} (waits when the policy has any gate)
     * @param summary what is about to change (e.g. the plan summary); shown to the approver
     * @throws DeployException when the phase is unknown
     */
    public GateDecision decide(EnvironmentSpec environment, String phase, String summary) {
        Gate gate = gate(phase);
        ApprovalPolicy policy = environment.approval() == null ? ApprovalPolicy.none() : environment.approval();
        Duration timeout = policy.timeout() == null ? ApprovalPolicy.DEFAULT_TIMEOUT : policy.timeout();
        String message = summary == null || summary.isBlank()
                ? (gate == Gate.ROLLBACK ? "Roll back " + environment.name() + "?" : "Deploy " + gate.id() + " to " + environment.name() + "?")
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
     * Whether {@code who}'s approval passes the gate, decided before anything is settled or recorded: a refused answer
     * is no approval anywhere, and the gate stays open for someone else.
     *
     * <ul>
     *   <li>nobody signed in ({@code anonymous}, {@code SYSTEM}, no id) never approves;</li>
     *   <li>with {@code submitters}: one of them as a user id, or a group the user belongs to; without: anyone who may
     *       start the job;</li>
     *   <li>with four eyes: not whoever started the build, nor the author of a commit it deploys.</li>
     * </ul>
     */
    public GateReview review(GateDecision decision, Answerer who, Involved involved, IdComparison ids) {
        Optional<String> notAllowed = mayAnswer(decision, who, ids, "approve");
        if (notAllowed.isPresent()) {
            return GateReview.refused(notAllowed.get());
        }
        if (decision.fourEyes()) {
            String env = decision.environment();
            if (involved.starters().stream().anyMatch(s -> ids.sameUser(s, who.id()))) {
                return GateReview.refused(who.id() + " started this build and cannot also approve it: the " + env
                        + " policy asks for four eyes. The gate stays open for another approver.");
            }
            if (involved.authors().stream().anyMatch(a -> ids.sameUser(a, who.id()))) {
                return GateReview.refused(who.id() + " wrote a commit this build deploys and cannot also approve it: the "
                        + env + " policy asks for four eyes. The gate stays open for another approver.");
            }
        }
        return GateReview.accepted(new Approval(who.id(), clock.instant(), decision.phase()));
    }

    /**
     * Why {@code who} may not reject the gate, or empty when they may: a rejection stops a deploy, so it takes someone
     * who could approve it, four eyes aside (the author of a change may still stop it).
     */
    public Optional<String> mayReject(GateDecision decision, Answerer who, IdComparison ids) {
        return mayAnswer(decision, who, ids, "reject");
    }

    private Optional<String> mayAnswer(GateDecision decision, Answerer who, IdComparison ids, String verb) {
        String gateName = "the " + decision.phase().id() + " gate of " + decision.environment();
        if (who.isNobody()) {
            return Optional.of("Only a signed-in user may " + verb + " " + gateName + " (this answer came from "
                    + (who.id().isEmpty() ? "nobody" : who.id()) + "). Sign in; the gate stays open.");
        }
        if (decision.submitters().isEmpty()) {
            return who.mayBuild() ? Optional.empty() : Optional.of(who.id() + " may not build this job, so may not " + verb + " "
                    + gateName + ". The gate stays open.");
        }
        boolean listed = decision.submitters().stream()
                .anyMatch(s -> ids.sameUser(s, who.id()) || who.groups().stream().anyMatch(g -> ids.sameGroup(s, g)));
        return listed ? Optional.empty() : Optional.of(who.id() + " is not among the approvers of " + gateName + " ("
                + String.join(", ", decision.submitters()) + ", as users or groups). The gate stays open.");
    }

    /**
     * The approver's short prompt: environment, phase, the plan's hash and what it changes; the plan summary itself is
     * shown beside it, preformatted.
     *
     * @param plan the gate's open plan; null for the rollback's confirmation, whose message is the prompt
     */
    public String prompt(GateDecision decision, GatePlan plan) {
        if (plan == null) {
            return decision.message();
        }
        int images = plan.imageChanges().size();
        return "Approve the " + decision.phase().id() + " plan for " + decision.environment() + ": " + plan.planHash()
                + (plan.changed() ? "" : " (changes nothing)")
                + (images == 0 ? "" : ", " + images + (images == 1 ? " image" : " images") + " changed") + ".";
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
