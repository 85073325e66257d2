package io.mmdeploy.engine.run;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs independent tasks at the same time, at most {@code maxConcurrent} at once, and waits for all of them.
 * A failing task does not stop the others (every build or check gets its answer); the outcomes come back in
 * the order of the tasks. The one place where the engine does parallel work.
 */
public final class ParallelRunner {
    private final int maxConcurrent;

    public ParallelRunner(int maxConcurrent) {
        if (maxConcurrent < 1) {
            throw new IllegalArgumentException("maxConcurrent must be at least 1, was " + maxConcurrent);
        }
        this.maxConcurrent = maxConcurrent;
    }

    public int maxConcurrent() {
        return maxConcurrent;
    }

    public <T> List<TaskOutcome<T>> runAll(String purpose, List<NamedTask<T>> tasks) throws InterruptedException {
        if (tasks.isEmpty()) {
            return List.of();
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(maxConcurrent, tasks.size()), threads(purpose));
        try {
            List<Future<T>> futures = new ArrayList<>();
            for (NamedTask<T> task : tasks) {
                futures.add(pool.submit(task.work()));
            }
            List<TaskOutcome<T>> outcomes = new ArrayList<>();
            for (int i = 0; i < tasks.size(); i++) {
                String name = tasks.get(i).name();
                try {
                    outcomes.add(TaskOutcome.success(name, futures.get(i).get()));
                } catch (ExecutionException e) {
                    outcomes.add(TaskOutcome.failure(name, e.getCause()));
                }
            }
            return outcomes;
        } finally {
            // On interruption (a Jenkins abort) this interrupts the running tasks too.
            pool.shutdownNow();
        }
    }

    private static ThreadFactory threads(String purpose) {
        AtomicInteger count = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, "mm-deploy-" + purpose + "-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
