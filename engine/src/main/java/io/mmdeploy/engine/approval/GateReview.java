package io.mmdeploy.engine.approval;

import java.util.Optional;

/**
 * The verdict on one person's attempt to pass a gate: either the approval, or why it does not count (the gate then
 * stays open for someone else).
 */
public record GateReview(Approval approval, String refusal) {

    public static GateReview accepted(Approval approval) {
        return new GateReview(approval, null);
    }

    public static GateReview refused(String reason) {
        return new GateReview(null, reason);
    }

    public boolean isAccepted() {
        return approval != null;
    }

    public Optional<Approval> accepted() {
        return Optional.ofNullable(approval);
    }
}
