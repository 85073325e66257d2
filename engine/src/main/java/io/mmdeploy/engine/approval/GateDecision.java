package io.mmdeploy.engine.approval;

import io.mmdeploy.engine.config.ApprovalPolicy.Gate;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What one approval gate does, decided from the environment's policy before anything waits.
 *
 * @param environment the environment the gate guards
 * @param phase the phase the gate stands before
 * @param automatic true when the policy has no gate for this phase: the deploy goes on at once
 * @param inputId the id of the pause, one per environment and phase, URL-safe and starting with a capital letter
 *     (the form Jenkins' input step requires)
 * @param message what the approver is asked
 * @param submitters user ids or group names allowed to approve; empty means anyone allowed to build
 * @param timeout how long the gate waits before the deploy is aborted
 * @param fourEyes whether the person who started the deploy is refused as approver
 */
public record GateDecision(
        String environment,
        Gate phase,
        boolean automatic,
        String inputId,
        String message,
        List<String> submitters,
        Duration timeout,
        boolean fourEyes) {

    public GateDecision {
        Objects.requireNonNull(environment, "environment");
        Objects.requireNonNull(phase, "phase");
        submitters = List.copyOf(submitters);
        Objects.requireNonNull(timeout, "timeout");
    }

    /** The submitters as Jenkins' input step takes them (comma-separated), or null for "anyone who may build". */
    public String submitterList() {
        return submitters.isEmpty() ? null : String.join(",", submitters);
    }
}
