package io.jenkins.plugins.mmdeploy.approval;

import hudson.Extension;
import hudson.ExtensionList;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The one clock of the approval gates' timeouts: a daemon thread that ends a gate when its policy's time is up. Jenkins
 * holds the one instance; a restart loses the schedule, and each waiting step arms its deadline again on resume.
 */
@Extension
public final class GateDeadlines {
    private final ScheduledExecutorService clock = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "mm-deploy approval deadlines");
        thread.setDaemon(true);
        return thread;
    });

    static GateDeadlines get() {
        return ExtensionList.lookupSingleton(GateDeadlines.class);
    }

    /** Runs {@code expiry} once {@code left} has passed (at once when it has already). */
    ScheduledFuture<?> after(Duration left, Runnable expiry) {
        return clock.schedule(expiry, Math.max(0, left.toMillis()), TimeUnit.MILLISECONDS);
    }
}
