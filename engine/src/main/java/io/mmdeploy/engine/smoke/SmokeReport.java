package io.mmdeploy.engine.smoke;

import java.util.List;

/** The results of one run's smoke tests, in config order (services, then the gateway). */
public record SmokeReport(List<SmokeResult> results) {
    public SmokeReport {
        results = List.copyOf(results);
    }

    public boolean passed() {
        return results.stream().allMatch(SmokeResult::passed);
    }

    public List<SmokeResult> failures() {
        return results.stream().filter(r -> !r.passed()).toList();
    }
}
