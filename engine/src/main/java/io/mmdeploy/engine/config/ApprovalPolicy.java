package io.mmdeploy.engine.config;

import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * Who must approve what before an environment changes.
 *
 * @param gates the phases that wait for a person (empty: the environment deploys by itself)
 * @param submitters Jenkins user ids or group names allowed to approve; empty means anyone with Build permission
 * @param timeout how long a gate waits before the build is aborted
 * @param fourEyes the person who started the build may not approve it
 */
public record ApprovalPolicy(Set<Gate> gates, List<String> submitters, Duration timeout, boolean fourEyes) {
    public static final Duration DEFAULT_TIMEOUT = Duration.ofHours(1);

    /**
     * The phases a gate can stand before (seed 002: production's two gates), and the rollback job's confirmation,
     * which no config lists: it waits whenever the environment has any gate (docs/STEPS.md).
     */
    public enum Gate {
        SERVICES("services"),
        GATEWAY("gateway"),
        ROLLBACK("rollback");

        private final String id;

        Gate(String id) {
            this.id = id;
        }

        public String id() {
            return id;
        }
    }

    public ApprovalPolicy {
        gates = gates.isEmpty() ? Set.of() : java.util.EnumSet.copyOf(gates);
        submitters = List.copyOf(submitters);
    }

    public static ApprovalPolicy none() {
        return new ApprovalPolicy(Set.of(), List.of(), DEFAULT_TIMEOUT, false);
    }

    public boolean gated(Gate gate) {
        // Moving production back is as much a change as moving it forward: whoever guards a deploy guards it.
        return gate == Gate.ROLLBACK ? hasGates() : gates.contains(gate);
    }

    public boolean hasGates() {
        return !gates.isEmpty();
    }
}
