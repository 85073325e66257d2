package io.mmdeploy.engine.release;

import io.mmdeploy.engine.release.ReleaseRecord.Kind;
import io.mmdeploy.engine.release.ReleaseRecord.Status;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The four delivery metrics of one environment over a window, from its release records alone. A deploy is in
 * the window when it started in it.
 *
 * @param deployments deploys counted: all that started in the window except a newest one still running
 * @param successfulDeployments deploys that succeeded (including those rolled back later)
 * @param deploymentsPerDay successful deploys per day of the window
 * @param medianLeadTimeSeconds commit time to successful deploy's end, median (null without successful deploys)
 * @param meanLeadTimeSeconds the same, mean
 * @param failedChanges deploys that failed, were rolled back, or were abandoned in progress
 * @param changeFailureRate failed changes / deployments (null without deployments)
 * @param restored failed changes followed by a successful release (deploy or rollback)
 * @param notRestored failed changes with no successful release after them yet
 * @param medianTimeToRestoreSeconds failure (the failed release's end, or start when it never ended; for a
 *     release rolled back later, its end, when the bad change went live) to the next success's end, median
 * @param meanTimeToRestoreSeconds the same, mean
 */
public record DeliveryMetrics(String environment, Instant from, Instant to, int days, int deployments, int successfulDeployments,
        double deploymentsPerDay, Long medianLeadTimeSeconds, Long meanLeadTimeSeconds, int failedChanges, Double changeFailureRate,
        int restored, int notRestored, Long medianTimeToRestoreSeconds, Long meanTimeToRestoreSeconds) {

    public static DeliveryMetrics compute(String environment, ReleaseHistory history, Instant now, int days) {
        if (days < 1) {
            throw new IllegalArgumentException("days must be at least 1, was " + days);
        }
        Instant from = now.minus(Duration.ofDays(days));
        Optional<ReleaseRecord> newest = history.newest();
        List<ReleaseRecord> deploys = history.oldestFirst().stream()
                .filter(r -> r.kind() == Kind.DEPLOY && !r.startedAt().isBefore(from) && r.startedAt().isBefore(now))
                .filter(r -> !(r.inProgress() && newest.map(n -> n.id().equals(r.id())).orElse(false)))
                .toList();
        List<Long> leadTimes = new ArrayList<>();
        List<Long> restoreTimes = new ArrayList<>();
        int successful = 0;
        int failed = 0;
        int notRestored = 0;
        for (ReleaseRecord deploy : deploys) {
            if (deploy.succeeded()) {
                successful++;
                if (deploy.commit() != null && deploy.commit().committedAt() != null) {
                    leadTimes.add(Duration.between(deploy.commit().committedAt(), deploy.finishedAt()).toSeconds());
                }
            }
            if (history.failedChange(deploy)) {
                failed++;
                Instant failure = deploy.finishedAt() != null ? deploy.finishedAt() : deploy.startedAt();
                Optional<ReleaseRecord> restore = history.after(deploy.id()).stream()
                        .filter(r -> r.outcome().status() == Status.SUCCEEDED).findFirst();
                if (restore.isPresent()) {
                    restoreTimes.add(Duration.between(failure, restore.get().finishedAt()).toSeconds());
                } else {
                    notRestored++;
                }
            }
        }
        return new DeliveryMetrics(environment, from, now, days, deploys.size(), successful, (double) successful / days,
                median(leadTimes), mean(leadTimes), failed, deploys.isEmpty() ? null : (double) failed / deploys.size(),
                restoreTimes.size(), notRestored, median(restoreTimes), mean(restoreTimes));
    }

    /** For people. */
    public String text() {
        return String.format(Locale.ROOT, """
                Delivery metrics of %s, %d day(s) from %s to %s
                  deployment frequency   %d successful deploy(s), %.2f per day (%d deploy(s) in all)
                  lead time for changes  median %s, mean %s
                  change failure rate    %s (%d of %d)
                  time to restore        median %s, mean %s (%d restored, %d not restored)
                """, environment, days, from, to, successfulDeployments, deploymentsPerDay, deployments,
                duration(medianLeadTimeSeconds), duration(meanLeadTimeSeconds),
                changeFailureRate == null ? "n/a" : String.format(Locale.ROOT, "%.1f%%", changeFailureRate * 100), failedChanges, deployments,
                duration(medianTimeToRestoreSeconds), duration(meanTimeToRestoreSeconds), restored, notRestored);
    }

    private static String duration(Long seconds) {
        if (seconds == null) {
            return "n/a";
        }
        Duration d = Duration.ofSeconds(seconds);
        return d.toDays() > 0 ? String.format(Locale.ROOT, "%dd %dh %dm", d.toDays(), d.toHoursPart(), d.toMinutesPart())
                : String.format(Locale.ROOT, "%dh %dm %ds", d.toHours(), d.toMinutesPart(), d.toSecondsPart());
    }

    /** The middle value; for an even count, the mean of the two middle ones (rounded down). */
    static Long median(List<Long> values) {
        if (values.isEmpty()) {
            return null;
        }
        List<Long> sorted = values.stream().sorted().toList();
        int mid = sorted.size() / 2;
        return sorted.size() % 2 == 1 ? sorted.get(mid) : (sorted.get(mid - 1) + sorted.get(mid)) / 2;
    }

    /** Rounded down. */
    static Long mean(List<Long> values) {
        return values.isEmpty() ? null : values.stream().mapToLong(Long::longValue).sum() / values.size();
    }
}
