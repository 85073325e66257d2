package io.mmdeploy.engine.flow;

import com.fasterxml.jackson.annotation.JsonValue;
import io.mmdeploy.engine.config.ApprovalPolicy.Gate;
import java.util.LinkedHashMap;
import java.util.Map;

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

    /** As {@code plan --output json} shows it: id, title, the phase's id, the gate's id (null for a phase). */
    @JsonValue
    public Map<String, Object> json() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", id());
        out.put("title", title());
        out.put("phase", phase.id());
        out.put("gate", isGate() ? gate.id() : null);
        return out;
    }
}
