package io.mmdeploy.engine.config;

import java.time.Duration;
import java.util.List;

/**
 * How an environment's services take a new revision: a canary. The new revision first gets a tagged URL and no
 * traffic (its smoke tests run there), then each step's share of the traffic; after each step but the last, a hold,
 * then the analysis compares the new revision with the one it replaces. A breach moves all traffic back and fails the
 * deploy. Without a policy, traffic moves at once (100 %).
 *
 * @param steps the new revision's share of traffic at each step, in percent: increasing, the last 100
 * @param hold how long each step serves before its analysis
 * @param analysis what the new revision must stay within
 */
public record RolloutPolicy(List<Integer> steps, Duration hold, Analysis analysis) {
    public static final Duration DEFAULT_HOLD = Duration.ofMinutes(5);

    public RolloutPolicy {
        steps = List.copyOf(steps);
    }

    /**
     * The limits of a canary step, read from Cloud Monitoring over the step's hold.
     *
     * @param maxErrorPercent the most 5xx responses, in percent of the new revision's requests
     * @param maxP95 the slowest 95th-percentile latency of the new revision
     * @param minRequests below this many requests the step's numbers say nothing: the analysis passes and says so
     */
    public record Analysis(double maxErrorPercent, Duration maxP95, long minRequests) {
        public static final double DEFAULT_MAX_ERROR_PERCENT = 1.0;
        public static final Duration DEFAULT_MAX_P95 = Duration.ofMillis(2000);
        public static final long DEFAULT_MIN_REQUESTS = 20;

        public static Analysis defaults() {
            return new Analysis(DEFAULT_MAX_ERROR_PERCENT, DEFAULT_MAX_P95, DEFAULT_MIN_REQUESTS);
        }
    }
}
