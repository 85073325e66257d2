package io.mmdeploy.engine.approval;

import io.mmdeploy.engine.config.ApprovalPolicy.Gate;
import java.time.Instant;
import java.util.Objects;

/**
 * A person's approval of one plan, as the host recorded it.
 *
 * @param environment the environment
 * @param gate the gate it passed
 * @param planHash the SHA-256 of the saved plan the person was shown
 * @param approver the approving user's id
 * @param at when
 */
public record RecordedApproval(String environment, Gate gate, String planHash, String approver, Instant at) {
    public RecordedApproval {
        Objects.requireNonNull(environment, "environment");
        Objects.requireNonNull(gate, "gate");
        Objects.requireNonNull(planHash, "planHash");
        Objects.requireNonNull(approver, "approver");
        Objects.requireNonNull(at, "at");
    }

    public Approval approval() {
        return new Approval(approver, at, gate);
    }
}
