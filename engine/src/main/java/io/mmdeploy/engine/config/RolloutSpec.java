package io.mmdeploy.engine.config;

import java.time.Duration;
import java.util.List;

/**
 * A canary rollout: the new revision first serves nothing at a tagged URL (the smoke tests run there), then takes
 * the traffic steps in turn; after each step but the last it holds, and the analysis compares it with the revision
 * that served before, from Cloud Monitoring. A breach moves all traffic back and fails the deploy.
 *
 * @param steps the percentages of traffic the new revision takes, ascending, the last 100
 * @param hold how long each step is watched before the analysis
 * @param analysis the limits
 */
public record RolloutSpec(List<Integer> steps, Duration hold, AnalysisSpec analysis) {
    public RolloutSpec {
        steps = List.copyOf(steps);
    }

    /**
     * What the new revision may not exceed during a hold.
     *
     * @param maxErrorRatio the largest share of 5xx answers among its requests (0.01 = 1 %)
     * @param maxP95Latency the largest 95th-percentile request latency
     * @param minRequests below this many requests in a hold the numbers say nothing: the analysis passes, and says so
     */
    public record AnalysisSpec(double maxErrorRatio, Duration maxP95Latency, long minRequests) {}
}
