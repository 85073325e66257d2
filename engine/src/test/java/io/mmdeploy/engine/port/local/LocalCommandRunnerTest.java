package io.mmdeploy.engine.port.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mmdeploy.engine.diagnostics.DeployException;
import io.mmdeploy.engine.port.Command;
import io.mmdeploy.engine.port.CommandResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalCommandRunnerTest {
    @TempDir
    Path root;
    final List<String> lines = new CopyOnWriteArrayList<>();

    private Command sh(String script) {
        return new Command(List.of("sh", "-c", script), Map.of(), "", Duration.ofSeconds(20), Set.of());
    }

    @Test
    void streamsLinesOfBothStreamsAsTheyComeAndKeepsThemApart() throws Exception {
        Files.createDirectories(root.resolve("infra"));
        Command c = new Command(List.of("sh", "-c", "echo out1; echo err1 >&2; echo \"$GREETING from $(basename \"$PWD\")\"; exit 3"),
                Map.of("GREETING", "hello"), "infra", Duration.ofSeconds(20), Set.of());
        CommandResult r = new LocalCommandRunner(root).run(c, lines::add);
        assertThat(r.exitCode()).isEqualTo(3);
        assertThat(r.stdout()).isEqualTo("out1\nhello from infra\n");
        assertThat(r.stderr()).isEqualTo("err1\n");
        assertThat(lines).containsExactlyInAnyOrder("out1", "err1", "hello from infra");
        assertThat(lines.indexOf("out1")).isLessThan(lines.indexOf("hello from infra"));
    }

    @Test
    void linesArriveWhileTheProcessStillRuns() throws Exception {
        AtomicReference<Long> firstLineAt = new AtomicReference<>();
        long start = System.nanoTime();
        new LocalCommandRunner(root).run(sh("echo first; sleep 1; echo second"), l -> firstLineAt.compareAndSet(null, System.nanoTime()));
        long end = System.nanoTime();
        assertThat(end - firstLineAt.get()).isGreaterThan(TimeUnit.MILLISECONDS.toNanos(700));
        assertThat(firstLineAt.get() - start).isLessThan(end - start);
    }

    @Test
    void masksTheCommandsSecretsInLinesAndResults() throws Exception {
        Command c = new Command(List.of("sh", "-c", "echo token=s3cr3t-value-1; echo 's3cr3t-value-1' >&2"), Map.of(), "",
                Duration.ofSeconds(20), Set.of("s3cr3t-value-1"));
        CommandResult r = new LocalCommandRunner(root).run(c, lines::add);
        assertThat(lines).containsExactlyInAnyOrder("token=****", "****");
        assertThat(r.stdout() + r.stderr()).doesNotContain("s3cr3t-value-1");
    }

    @Test
    void killsTheProcessAndItsChildrenOnTimeout() throws Exception {
        long start = System.nanoTime();
        Command c = new Command(List.of("sh", "-c", "sleep 30 & echo $! > child.pid; wait"), Map.of(), "", Duration.ofMillis(500), Set.of());
        assertThatThrownBy(() -> new LocalCommandRunner(root).run(c, lines::add))
                .isInstanceOf(DeployException.class)
                .hasMessageContaining("sh -c timed out")
                .hasMessageContaining("longer than 500ms");
        assertThat(System.nanoTime() - start).isLessThan(TimeUnit.SECONDS.toNanos(10));
        assertGone(Long.parseLong(Files.readString(root.resolve("child.pid")).strip()));
    }

    @Test
    void anInterruptedCommandGetsSigintFirstAndTimeToCleanUp() throws Exception {
        // Like tofu: on SIGINT it finishes what it is doing (here: writes "released") and exits; SIGTERM would be noted.
        Command c = new Command(List.of("sh", "-c", "trap 'sleep 1; echo released > lock; exit 130' INT; trap 'echo term > lock; exit 143' TERM;"
                + " echo started > started; while :; do sleep 0.1; done"), Map.of(), "", null, Set.of());
        AtomicReference<Throwable> ended = new AtomicReference<>();
        Thread run = new Thread(() -> {
            try {
                new LocalCommandRunner(root).run(c, lines::add);
            } catch (Throwable t) {
                ended.set(t);
            }
        });
        run.start();
        while (!Files.exists(root.resolve("started"))) {
            Thread.sleep(20);
        }
        run.interrupt();
        run.join();

        assertThat(ended.get()).isInstanceOf(InterruptedException.class);
        assertThat(Files.readString(root.resolve("lock")).strip()).isEqualTo("released");
    }

    @Test
    void aCommandThatIgnoresSigintIsStoppedAfterTheGrace() throws Exception {
        Command c = new Command(List.of("sh", "-c", "trap '' INT; echo started > started; while :; do sleep 0.1; done"), Map.of(), "",
                Duration.ofMillis(300), Set.of());
        assertThatThrownBy(() -> new LocalCommandRunner(root, Duration.ofMillis(200)).run(c, lines::add))
                .isInstanceOf(DeployException.class)
                .hasMessageContaining("timed out");
        assertThat(Files.exists(root.resolve("started"))).isTrue();
    }

    @Test
    void killsTheProcessWhenTheRunIsInterrupted() throws Exception {
        AtomicReference<Thread> runner = new AtomicReference<>();
        CompletableFuture<Object> run = CompletableFuture.supplyAsync(() -> {
            runner.set(Thread.currentThread());
            try {
                return new LocalCommandRunner(root).run(sh("sleep 30 & echo $! > child.pid; echo started; wait"), lines::add);
            } catch (InterruptedException e) {
                return e;
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        long deadline = System.currentTimeMillis() + 10_000;
        while (!lines.contains("started")) {
            assertThat(System.currentTimeMillis()).isLessThan(deadline);
            Thread.sleep(20);
        }
        runner.get().interrupt();
        assertThat(run.get(10, TimeUnit.SECONDS)).isInstanceOf(InterruptedException.class);
        assertGone(Long.parseLong(Files.readString(root.resolve("child.pid")).strip()));
    }

    @Test
    void aMissingProgramIsAnIOException() {
        assertThatThrownBy(() -> new LocalCommandRunner(root).run(Command.of("no-such-program-mm-deploy"), lines::add))
                .isInstanceOf(IOException.class);
    }

    private static void assertGone(long pid) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 5000;
        while (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
            assertThat(System.currentTimeMillis()).as("child " + pid + " is killed").isLessThan(deadline);
            Thread.sleep(50);
        }
    }
}
