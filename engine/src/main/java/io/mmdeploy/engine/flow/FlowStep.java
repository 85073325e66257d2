package io.mmdeploy.engine.flow;

import io.mmdeploy.engine.config.ApprovalPolicy.Gate;

/**
 * One step of an environment's deploy flow: a phase, or the approval gate that stands before the next phase.
 *
 * @param phase the phase; for a gate, the phase whose plan it approves
 * @param gate the gate; null for a phase
 */
public record FlowStep(Phase phase, Gate gate) {
    public boolean isGate() {
        return gate != null;
    }

    /** The stage name of the shared library: the phase's title, or {@code Approval: <gate>}. */
    public String title() {
        return isGate() ? "Approval: " + gate.id() : phase.title();
    }

    public String id() {
        return isGate() ? "gate-" + gate.id() : phase.id();
    }
}
