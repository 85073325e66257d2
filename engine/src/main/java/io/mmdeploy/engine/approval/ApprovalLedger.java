package io.mmdeploy.engine.approval;

import io.mmdeploy.engine.config.ApprovalPolicy.Gate;
import java.util.Optional;

/**
 * Where the host keeps the approvals people gave in this run, out of reach of the pipeline script and the workspace:
 * Jenkins records them from Java on the build, the CLI holds the operator's answers at the terminal. A gated apply
 * reads its approval here; a plan hash alone, or a note in a workspace file, is never an approval.
 */
@FunctionalInterface
public interface ApprovalLedger {
    /** The approval of exactly this plan at this gate of this environment, if someone gave it in this run. */
    Optional<RecordedApproval> find(String environment, Gate gate, String planHash);

    /** A host that records no approvals: every gated phase refuses. */
    static ApprovalLedger none() {
        return (environment, gate, planHash) -> Optional.empty();
    }
}
