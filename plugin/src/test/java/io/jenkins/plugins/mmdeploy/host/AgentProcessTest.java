package io.jenkins.plugins.mmdeploy.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.mmdeploy.engine.diagnostics.DeployException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentProcessTest {
    private static final Duration GRACE = Duration.ofSeconds(5);

    @TempDir
    Path dir;

    /** A command that takes {@code SIGINT} as tofu does: it finishes what it does and exits on its own. */
    private final CountDownLatch interrupted = new CountDownLatch(1);
    private final AtomicInteger sent = new AtomicInteger();

    private FutureTask<Integer> commandEndingOnSigint() {
        FutureTask<Integer> join = new FutureTask<>(() -> {
            interrupted.await();
            return 0;
        });
        new Thread(join).start();
        return join;
    }

    private boolean sigint() {
        sent.incrementAndGet();
        interrupted.countDown();
        return true;
    }

    @Test
    void theRecordedPidIsTheCommandsOwnSoSigintReachesIt() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/bin/sh")), "needs /bin/sh");
        Path pidFile = dir.resolve("run.pid");
        List<String> argv = AgentProcess.recordingPid(
                List.of("sh", "-c", "trap 'echo unlocked; exit 0' INT; while :; do sleep 0.1; done"), pidFile.toString());
        Process process = new ProcessBuilder(argv).redirectErrorStream(true).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!(Files.exists(pidFile) && Files.readString(pidFile).strip().matches("[0-9]+")) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(Long.parseLong(Files.readString(pidFile).strip())).as("exec keeps the PID").isEqualTo(process.pid());

        assertThat(new ProcessBuilder("kill", "-INT", String.valueOf(process.pid())).start().waitFor()).isZero();

        assertThat(process.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as("ended by itself, not killed").isZero();
        assertThat(new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).contains("unlocked");
    }

    @Test
    void anAbortedCommandGetsSigintAndEndsByItselfBeforeAnyKill() throws Exception {
        FutureTask<Integer> join = commandEndingOnSigint();
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread build = new Thread(() -> {
            try {
                AgentProcess.await(join, null, GRACE, this::sigint, "tofu");
            } catch (Throwable e) {
                thrown.set(e);
            }
        });
        build.start();
        Thread.sleep(100);
        build.interrupt(); // the build is aborted
        build.join(10_000);

        assertThat(thrown.get()).isInstanceOf(InterruptedException.class);
        assertThat(sent.get()).isEqualTo(1);
        assertThat(join.isCancelled()).as("no kill: it ended within the grace").isFalse();
        assertThat(join.get()).isZero();
    }

    @Test
    void aCommandThatIgnoresSigintIsKilledAfterTheGrace() throws Exception {
        FutureTask<Integer> join = new FutureTask<>(() -> {
            new CountDownLatch(1).await(); // never ends by itself
            return 0;
        });
        new Thread(join).start();

        assertThatThrownBy(() -> AgentProcess.await(join, Duration.ofMillis(100), Duration.ofMillis(200), () -> {
            sent.incrementAndGet();
            return true;
        }, "tofu")).isInstanceOf(DeployException.class).hasMessageContaining("Command timed out: tofu")
                .hasMessageContaining("SIGINT, then killed after");

        assertThat(sent.get()).isEqualTo(1);
        assertThat(join.isCancelled()).isTrue();
    }

    @Test
    void aCommandThatOutlivesItsLimitGetsSigintFirst() throws Exception {
        FutureTask<Integer> join = commandEndingOnSigint();

        assertThatThrownBy(() -> AgentProcess.await(join, Duration.ofMillis(100), GRACE, this::sigint, "tofu"))
                .isInstanceOf(DeployException.class).hasMessageContaining("limit of 0 s");

        assertThat(sent.get()).isEqualTo(1);
        assertThat(join.isCancelled()).isFalse();
    }

    @Test
    void withoutAPidTheWaitIsCancelledAtOnce() throws Exception {
        FutureTask<Integer> join = new FutureTask<>(() -> {
            new CountDownLatch(1).await();
            return 0;
        });
        new Thread(join).start();
        Thread.currentThread().interrupt();

        assertThatThrownBy(() -> AgentProcess.await(join, null, GRACE, () -> false, "tofu")).isInstanceOf(InterruptedException.class);
        assertThat(join.isCancelled()).isTrue();
        assertThat(Thread.interrupted()).as("the interrupt is not kept twice").isFalse();
    }
}
