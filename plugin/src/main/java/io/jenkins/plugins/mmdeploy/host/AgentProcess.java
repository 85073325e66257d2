package io.jenkins.plugins.mmdeploy.host;

import io.mmdeploy.engine.diagnostics.DeployException;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * How a command on an agent ends when the build is aborted or the command outlives its limit: SIGINT first, the
 * interrupt tofu handles gracefully (it finishes the resource at hand and releases the state lock), and up to a grace
 * for it to end by itself; only then is the wait cancelled, which makes Jenkins kill the process (SIGTERM, and SIGKILL
 * after core's soft-kill wait). Jenkins' launcher API has no signal of its own, so on Unix agents the command records
 * its PID first ({@link #recordingPid}) and the interrupt is a {@code kill -INT} launched on the same agent.
 */
final class AgentProcess {
    /** How long an interrupted command gets to end by itself: the engine's own runner gives tofu the same. */
    static final Duration INTERRUPT_GRACE = Duration.ofSeconds(60);

    /** Sends SIGINT to the running command; false when that cannot be done (no PID yet, not a Unix agent). */
    interface Interrupt {
        boolean send() throws IOException, InterruptedException;
    }

    private AgentProcess() {}

    /**
     * The command line that writes its own PID to {@code pidFile} and then becomes {@code argv}: {@code exec} keeps
     * the PID, so a signal to it reaches the command itself.
     */
    static List<String> recordingPid(List<String> argv, String pidFile) {
        List<String> out = new ArrayList<>(List.of("sh", "-c", "echo $$ > \"$0\" && exec \"$@\"", pidFile));
        out.addAll(argv);
        return out;
    }

    /**
     * The command's exit code, waited for at most {@code limit} (null: no limit). Interrupted or out of time, the
     * command is stopped as the class says; the interrupt is then passed on, a timeout becomes a diagnostic.
     */
    static int await(Future<Integer> join, Duration limit, Duration grace, Interrupt interrupt, String program)
            throws IOException, InterruptedException {
        try {
            return limit == null ? join.get() : join.get(limit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            stop(join, grace, interrupt);
            throw DeployException.of("Command timed out: " + program,
                    "It ran longer than its limit of " + limit.toSeconds() + " s and was stopped (SIGINT, then killed after "
                            + grace.toSeconds() + " s).");
        } catch (InterruptedException e) {
            stop(join, grace, interrupt);
            throw e;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            if (e.getCause() instanceof InterruptedException interrupted) {
                throw interrupted;
            }
            throw new IOException(program + " could not be run: " + e.getCause(), e.getCause());
        }
    }

    /** SIGINT and up to {@code grace} for the command to end; else the wait is cancelled (Jenkins kills it). */
    private static void stop(Future<Integer> join, Duration grace, Interrupt interrupt) {
        boolean interrupted = Thread.interrupted(); // the waits below must really wait
        try {
            if (interrupt.send()) {
                join.get(grace.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (IOException | ExecutionException | TimeoutException | CancellationException e) {
            // Not ended by itself (or the interrupt could not be sent): killed below.
        } catch (InterruptedException e) {
            interrupted = true;
        } finally {
            join.cancel(true);
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
