package io.mmdeploy.engine.health;

import io.mmdeploy.engine.diagnostics.DeployException;
import io.mmdeploy.engine.diagnostics.Diagnostic;
import java.util.List;

/** The verdicts of one health check run, in target order. */
public record HealthReport(List<HealthResult> results) {
    public HealthReport {
        results = List.copyOf(results);
    }

    public boolean healthy() {
        return results.stream().allMatch(HealthResult::healthy);
    }

    /** Fails with one diagnostic per unhealthy target. */
    public HealthReport orThrow() {
        List<Diagnostic> problems = results.stream().filter(r -> !r.healthy())
                .map(r -> Diagnostic.error(r.name() + " is not healthy",
                        r.url() + " after " + r.attempts() + " attempt(s), last HTTP status "
                                + (r.lastStatus() == 0 ? "none" : r.lastStatus()) + ": " + r.detail()))
                .toList();
        if (!problems.isEmpty()) {
            throw new DeployException(problems);
        }
        return this;
    }
}
