package io.mmdeploy.engine.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mmdeploy.engine.diagnostics.DeployException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class ParallelRunnerTest {

    @Test
    void runsUpToTheCapAtOnceAndKeepsTaskOrder() throws Exception {
        AtomicInteger running = new AtomicInteger();
        AtomicInteger peak = new AtomicInteger();
        List<NamedTask<Integer>> tasks = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            int n = i;
            tasks.add(new NamedTask<>("t" + i, () -> {
                peak.accumulateAndGet(running.incrementAndGet(), Math::max);
                Thread.sleep(20);
                running.decrementAndGet();
                return n * n;
            }));
        }

        List<TaskOutcome<Integer>> outcomes = new ParallelRunner(3).runAll("test", tasks);

        assertThat(TaskOutcome.valuesOrThrow(outcomes)).containsExactly(0, 1, 4, 9, 16, 25, 36, 49, 64, 81, 100, 121);
        assertThat(peak.get()).isEqualTo(3);
    }

    @Test
    void reallyOverlapsTasks() throws Exception {
        CountDownLatch all = new CountDownLatch(4);
        List<NamedTask<Boolean>> tasks = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            tasks.add(new NamedTask<>("t" + i, () -> {
                all.countDown();
                return all.await(5, TimeUnit.SECONDS);
            }));
        }

        assertThat(TaskOutcome.valuesOrThrow(new ParallelRunner(4).runAll("test", tasks))).containsOnly(true);
    }

    @Test
    void aFailureDoesNotStopTheOthersAndEveryFailureIsReported() throws Exception {
        AtomicInteger finished = new AtomicInteger();
        List<NamedTask<String>> tasks = List.of(
                new NamedTask<>("a", () -> {
                    throw DeployException.of("a broke", "detail a");
                }),
                new NamedTask<>("b", () -> {
                    finished.incrementAndGet();
                    return "b";
                }),
                new NamedTask<>("c", () -> {
                    throw new IllegalStateException("c broke");
                }));

        List<TaskOutcome<String>> outcomes = new ParallelRunner(1).runAll("test", tasks);

        assertThat(finished.get()).isEqualTo(1);
        assertThatThrownBy(() -> TaskOutcome.valuesOrThrow(outcomes)).isInstanceOfSatisfying(DeployException.class, e ->
                assertThat(e.diagnostics()).extracting(d -> d.summary()).containsExactly("a broke", "Unexpected failure in c"));
    }

    @Test
    void lanesReuseTheThreadsOfTheGivenPoolFromOneRunToTheNext() throws Exception {
        ThreadPoolExecutor pool = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 1, TimeUnit.MINUTES, new SynchronousQueue<>());
        try {
            ParallelRunner runner = new ParallelRunner(3, pool);
            Set<String> names = ConcurrentHashMap.newKeySet();
            for (int run = 0; run < 5; run++) {
                List<NamedTask<Integer>> tasks = new ArrayList<>();
                for (int i = 0; i < 6; i++) {
                    tasks.add(new NamedTask<>("t" + i, () -> {
                        names.add(Thread.currentThread().getName());
                        Thread.sleep(5);
                        return 1;
                    }));
                }
                assertThat(TaskOutcome.valuesOrThrow(runner.runAll("reads", tasks))).hasSize(6).containsOnly(1);
                idle(pool);
            }
            // Five runs of six tasks, three at a time: three threads in all, each named for its lane while it works.
            assertThat(pool.getLargestPoolSize()).isEqualTo(3);
            assertThat(names).containsExactlyInAnyOrder("mm-deploy-reads-1", "mm-deploy-reads-2", "mm-deploy-reads-3");
        } finally {
            pool.shutdownNow();
        }
    }

    /** Until the pool's threads wait for work again (a lane's end is seen a moment before its thread is free). */
    private static void idle(ThreadPoolExecutor pool) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (pool.getActiveCount() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        Thread.sleep(20);
    }

    @Test
    void anInterruptedWaitInterruptsTheRunningTasksAndStartsNoMore() throws Exception {
        ThreadPoolExecutor pool = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 1, TimeUnit.MINUTES, new SynchronousQueue<>());
        try {
            CountDownLatch running = new CountDownLatch(2);
            CountDownLatch interrupted = new CountDownLatch(2);
            AtomicInteger started = new AtomicInteger();
            List<NamedTask<String>> tasks = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                tasks.add(new NamedTask<>("t" + i, () -> {
                    started.incrementAndGet();
                    running.countDown();
                    try {
                        Thread.sleep(60_000);
                    } catch (InterruptedException e) {
                        interrupted.countDown();
                        throw e;
                    }
                    return "done";
                }));
            }
            AtomicReference<Throwable> thrown = new AtomicReference<>();
            Thread waiter = new Thread(() -> {
                try {
                    new ParallelRunner(2, pool).runAll("builds", tasks);
                } catch (Throwable t) {
                    thrown.set(t);
                }
            });
            waiter.start();
            assertThat(running.await(5, TimeUnit.SECONDS)).isTrue();

            waiter.interrupt();
            waiter.join(5_000);

            assertThat(thrown.get()).isInstanceOf(InterruptedException.class);
            assertThat(interrupted.await(5, TimeUnit.SECONDS)).isTrue();
            Thread.sleep(50);
            assertThat(started.get()).isEqualTo(2);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void refusesAZeroCap() {
        assertThatThrownBy(() -> new ParallelRunner(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
