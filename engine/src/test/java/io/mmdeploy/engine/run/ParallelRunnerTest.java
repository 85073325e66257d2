package io.mmdeploy.engine.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mmdeploy.engine.diagnostics.DeployException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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
    void refusesAZeroCap() {
        assertThatThrownBy(() -> new ParallelRunner(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
