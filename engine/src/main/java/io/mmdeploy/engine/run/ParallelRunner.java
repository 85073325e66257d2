package io.mmdeploy.engine.run;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.FutureTask;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs independent tasks at the same time, at most {@code maxConcurrent} at once, and waits for all of them.
 * A failing task does not stop the others (every build or check gets its answer); the outcomes come back in
 * the order of the tasks. The one place where the engine does parallel work.
 *
 * <p>The tasks run on lanes (at most {@code maxConcurrent}, each taking the next task when its last one ends) on the
 * threads of an {@link Executor}: a run's own pool (see {@code Stages}), so that a deploy's phases reuse a few threads
 * instead of starting one per task (about 60 a deploy, 0.1 ms each), or {@link #FRESH_THREADS}.
 */
public final class ParallelRunner {
    /** A new daemon thread for each lane: for a one-off command that has no run's pool. */
    public static final Executor FRESH_THREADS = lane -> {
        Thread t = new Thread(lane);
        t.setDaemon(true);
        t.start();
    };

    private final int maxConcurrent;
    private final Executor threads;

    /** On {@link #FRESH_THREADS}. */
    public ParallelRunner(int maxConcurrent) {
        this(maxConcurrent, FRESH_THREADS);
    }

    /** @param threads runs the lanes; it must start each at once (an unbounded pool, or a thread per lane) */
    public ParallelRunner(int maxConcurrent, Executor threads) {
        if (maxConcurrent < 1) {
            throw new IllegalArgumentException("maxConcurrent must be at least 1, was " + maxConcurrent);
        }
        this.maxConcurrent = maxConcurrent;
        this.threads = threads;
    }

    public int maxConcurrent() {
        return maxConcurrent;
    }

    @SuppressWarnings("unchecked")
    public <T> List<TaskOutcome<T>> runAll(String purpose, List<NamedTask<T>> tasks) throws InterruptedException {
        if (tasks.isEmpty()) {
            return List.of();
        }
        TaskOutcome<T>[] outcomes = new TaskOutcome[tasks.size()];
        AtomicInteger next = new AtomicInteger();
        AtomicBoolean stopped = new AtomicBoolean();
        List<FutureTask<Void>> lanes = new ArrayList<>();
        for (int lane = 1; lane <= Math.min(maxConcurrent, tasks.size()); lane++) {
            String name = "mm-deploy-" + purpose + "-" + lane;
            lanes.add(new FutureTask<>(() -> runLane(name, tasks, outcomes, next, stopped), null));
        }
        lanes.forEach(threads::execute);
        try {
            for (FutureTask<Void> lane : lanes) {
                lane.get();
            }
        } catch (InterruptedException e) {
            // A Jenkins abort: no task starts any more, and the running ones are interrupted.
            stopped.set(true);
            lanes.forEach(lane -> lane.cancel(true));
            throw e;
        } catch (ExecutionException e) {
            throw new IllegalStateException("a lane of " + purpose + " failed outside its tasks", e.getCause());
        }
        return Arrays.asList(outcomes);
    }

    private static <T> void runLane(String name, List<NamedTask<T>> tasks, TaskOutcome<T>[] outcomes, AtomicInteger next,
            AtomicBoolean stopped) {
        Thread thread = Thread.currentThread();
        String poolName = thread.getName();
        // Named for the work while it does it: a thread dump of a stuck build says what each thread waits on.
        thread.setName(name);
        try {
            for (int i = next.getAndIncrement(); i < tasks.size() && !stopped.get(); i = next.getAndIncrement()) {
                NamedTask<T> task = tasks.get(i);
                try {
                    outcomes[i] = TaskOutcome.success(task.name(), task.work().call());
                } catch (Throwable t) {
                    outcomes[i] = TaskOutcome.failure(task.name(), t);
                }
            }
        } finally {
            thread.setName(poolName);
        }
    }
}
