package io.mmdeploy.engine.canary;

import io.mmdeploy.engine.config.RolloutPolicy;
import java.util.Locale;

/**
 * Judges one canary step: the new revision against the policy's limits, with the revision it replaces beside it for
 * the reader. Too few requests to say anything passes, and says so: a quiet hour is not a failure.
 */
public final class CanaryAnalysis {
    private final RolloutPolicy.Analysis limits;

    public CanaryAnalysis(RolloutPolicy.Analysis limits) {
        this.limits = limits;
    }

    /** What the step found. */
    public record Verdict(boolean passed, String analysis) {}

    public Verdict judge(RevisionSample candidate, RevisionSample previous) {
        String measured = describe(candidate) + " (previous: " + describe(previous) + ")";
        if (candidate.requests() < limits.minRequests()) {
            return new Verdict(true, "not judged: " + candidate.requests() + " requests, fewer than the " + limits.minRequests()
                    + " the analysis needs; " + measured);
        }
        double errorPercent = candidate.errorRatio() * 100;
        if (errorPercent > limits.maxErrorPercent()) {
            return new Verdict(false, String.format(Locale.ROOT, "5xx %.2f %% above the limit of %s %%; %s", errorPercent,
                    trim(limits.maxErrorPercent()), measured));
        }
        long maxP95 = limits.maxP95().toMillis();
        if (candidate.p95Millis().isPresent() && candidate.p95Millis().getAsDouble() > maxP95) {
            return new Verdict(false, String.format(Locale.ROOT, "p95 %.0f ms above the limit of %d ms; %s",
                    candidate.p95Millis().getAsDouble(), maxP95, measured));
        }
        return new Verdict(true, "within limits: " + measured);
    }

    private static String describe(RevisionSample s) {
        return String.format(Locale.ROOT, "%.2f %% 5xx of %d requests, p95 %s", s.errorRatio() * 100, s.requests(),
                s.p95Millis().isPresent() ? String.format(Locale.ROOT, "%.0f ms", s.p95Millis().getAsDouble()) : "none");
    }

    private static String trim(double value) {
        return value == Math.rint(value) ? String.valueOf((long) value) : String.valueOf(value);
    }
}
