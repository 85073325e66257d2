package io.jenkins.plugins.mmdeploy.approval;

import io.mmdeploy.engine.approval.GateDecision;
import io.mmdeploy.engine.config.ApprovalPolicy.Gate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One gate of this build: what mmOpenGate opened (the engine's decision, the plan the approver is shown) and how it
 * ended. Plain fields, saved in build.xml with the {@link ApprovalPage}, so every state survives a restart: an open
 * gate, and an answer given just before the restart that the waiting step has not seen yet.
 */
public final class GateRequest {
    static final String OPEN = "OPEN";
    static final String AUTOMATIC = "AUTOMATIC";
    static final String APPROVED = "APPROVED";
    static final String REJECTED = "REJECTED";
    static final String TIMED_OUT = "TIMED_OUT";
    static final String ABORTED = "ABORTED";

    final String id;
    final String environment;
    final String phase;
    /** Null for the rollback's confirmation, which approves no plan. */
    final String planHash;
    final String prompt;
    final String summary;
    final ArrayList<String> submitters;
    final boolean fourEyes;
    final long timeoutMillis;
    final long openedAtMillis;
    /** The names and e-mails of the commits' authors and committers (the engine's {@code GatePlan#people}). */
    private final ArrayList<String> people;
    private String state;
    private String answeredBy;
    private long answeredAtMillis;

    GateRequest(String id, GateDecision decision, String planHash, String prompt, String summary, List<String> people, boolean automatic,
            Instant openedAt) {
        this.id = id;
        this.environment = decision.environment();
        this.phase = decision.phase().id();
        this.planHash = planHash;
        this.prompt = prompt;
        this.summary = summary;
        this.submitters = new ArrayList<>(decision.submitters());
        this.fourEyes = decision.fourEyes();
        this.timeoutMillis = decision.timeout().toMillis();
        this.openedAtMillis = openedAt.toEpochMilli();
        this.people = new ArrayList<>(people);
        this.state = automatic ? AUTOMATIC : OPEN;
    }

    /** The engine's decision again, for reviewing an answer. */
    GateDecision decision() {
        return new GateDecision(environment, Gate.valueOf(phase.toUpperCase(Locale.ROOT)), false, id, prompt, submitters,
                Duration.ofMillis(timeoutMillis), fourEyes);
    }

    List<String> people() {
        return people == null ? List.of() : List.copyOf(people);
    }

    Instant deadline() {
        return Instant.ofEpochMilli(openedAtMillis).plusMillis(timeoutMillis);
    }

    /** Ends an open gate; false when it was no longer open (someone else answered first, or it timed out). */
    synchronized boolean settle(String newState, String by, Instant at) {
        if (!OPEN.equals(state)) {
            return false;
        }
        state = newState;
        answeredBy = by;
        answeredAtMillis = at.toEpochMilli();
        return true;
    }

    synchronized String state() {
        return state;
    }

    synchronized String answeredBy() {
        return answeredBy;
    }

    synchronized Instant answeredAt() {
        return Instant.ofEpochMilli(answeredAtMillis);
    }

    // For the page (index.jelly).
    public String getId() {
        return id;
    }

    public String getEnvironment() {
        return environment;
    }

    public String getPhase() {
        return phase;
    }

    public String getPlanHash() {
        return planHash;
    }

    public String getPrompt() {
        return prompt;
    }

    public String getSummary() {
        return summary;
    }

    public String getApprovers() {
        return submitters.isEmpty() ? "anyone who may build this job" : String.join(", ", submitters);
    }

    public boolean isFourEyes() {
        return fourEyes;
    }

    public String getDeadline() {
        return deadline().toString();
    }

    public boolean isOpen() {
        return OPEN.equals(state());
    }

    /** "open", or how it ended: "approved by alice at ...", "passed by itself", ... */
    public String getOutcome() {
        return switch (state()) {
            case OPEN -> "waiting for approval until " + deadline();
            case AUTOMATIC -> "passed by itself (no gate for this phase, or a plan that changes nothing)";
            case APPROVED -> "approved by " + answeredBy() + " at " + answeredAt();
            case REJECTED -> "rejected by " + answeredBy() + " at " + answeredAt();
            case TIMED_OUT -> "nobody approved it by " + deadline();
            default -> "the build was aborted while it waited";
        };
    }
}
