package io.mmdeploy.engine.approval;

import io.mmdeploy.engine.config.ApprovalPolicy.Gate;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A passed gate: who let the deploy go on, and when.
 *
 * @param approver the approving user's id, or {@link #AUTO} when the policy has no gate for the phase
 * @param approvedAt when
 * @param phase the phase it opened
 */
public record Approval(String approver, Instant approvedAt, Gate phase) {
    public static final String AUTO = "auto";

    public Approval {
        Objects.requireNonNull(approver, "approver");
        Objects.requireNonNull(approvedAt, "approvedAt");
        Objects.requireNonNull(phase, "phase");
    }

    /** The step result of docs/STEPS.md: {@code approver}, {@code approvedAt} (ISO-8601), {@code phase}. */
    public Map<String, Object> toMap() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("approver", approver);
        out.put("approvedAt", approvedAt.toString());
        out.put("phase", phase.id());
        return out;
    }
}
