package io.mmdeploy.engine.port.local;

import io.mmdeploy.engine.diagnostics.DeployException;
import io.mmdeploy.engine.port.Command;
import io.mmdeploy.engine.port.CommandResult;
import io.mmdeploy.engine.port.CommandRunner;
import io.mmdeploy.engine.port.SecretMask;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Runs commands on this machine with ProcessBuilder (the CLI's host, and the tests'). Output is read line by
 * line from both streams as it comes, masked with the command's secrets, and handed on one line at a time.
 * A command that outlives its timeout, or a run that is interrupted, is stopped with its child processes: first with
 * SIGINT, the interrupt tofu (and terraform, docker) handle gracefully, finishing the operation at hand and releasing
 * the state lock; after {@link #DEFAULT_INTERRUPT_GRACE} (or the runner's own grace) SIGTERM, and 3 s later SIGKILL.
 */
public final class LocalCommandRunner implements CommandRunner {
    /** How long a process gets to end after SIGTERM, before it is killed outright. */
    private static final long GRACE_MILLIS = 3000;
    /** How long an interrupted command gets to end by itself after SIGINT: tofu finishes its resource and unlocks the state. */
    public static final java.time.Duration DEFAULT_INTERRUPT_GRACE = java.time.Duration.ofSeconds(60);

    private final Path root;
    private final java.time.Duration interruptGrace;

    /** @param root the directory that commands' working directories are relative to */
    public LocalCommandRunner(Path root) {
        this(root, DEFAULT_INTERRUPT_GRACE);
    }

    /** @param interruptGrace how long a command gets after SIGINT before SIGTERM */
    public LocalCommandRunner(Path root, java.time.Duration interruptGrace) {
        this.root = root.toAbsolutePath().normalize();
        this.interruptGrace = interruptGrace;
    }

    @Override
    public CommandResult run(Command command, Consumer<String> onLine) throws IOException, InterruptedException {
        SecretMask mask = new SecretMask();
        command.secrets().forEach(mask::add);
        ProcessBuilder builder = new ProcessBuilder(command.argv()).directory(root.resolve(command.workingDir()).toFile());
        builder.environment().putAll(command.env());
        Process process = builder.start();
        process.getOutputStream().close();
        StringBuilder stdout = new StringBuilder();
        StringBuilder stderr = new StringBuilder();
        Object turn = new Object();
        Thread out = pump(process.getInputStream(), stdout, onLine, mask, turn, "stdout of " + command.argv().get(0));
        Thread err = pump(process.getErrorStream(), stderr, onLine, mask, turn, "stderr of " + command.argv().get(0));
        try {
            if (command.timeout() == null) {
                process.waitFor();
            } else if (!process.waitFor(command.timeout().toMillis(), TimeUnit.MILLISECONDS)) {
                stop(process);
                throw DeployException.of(mask.mask(String.join(" ", command.argv().subList(0, Math.min(2, command.argv().size()))))
                                + " timed out",
                        "It ran longer than " + seconds(command.timeout()) + " and was stopped, with its child processes."
                                + " Look at its last output above; raise the timeout if the work is simply slow.");
            }
        } catch (InterruptedException e) {
            stop(process);
            throw e;
        }
        // Children that inherited the pipes may keep them open: do not wait for them for ever.
        out.join(GRACE_MILLIS);
        err.join(GRACE_MILLIS);
        synchronized (turn) {
            return new CommandResult(process.exitValue(), stdout.toString(), stderr.toString());
        }
    }

    private static Thread pump(InputStream in, StringBuilder into, Consumer<String> onLine, SecretMask mask, Object turn, String name) {
        Thread t = new Thread(() -> {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                for (String line; (line = reader.readLine()) != null; ) {
                    String masked = mask.mask(line);
                    synchronized (turn) {
                        into.append(masked).append('\n');
                        onLine.accept(masked);
                    }
                }
            } catch (IOException e) {
                // The stream closed under us (the process was killed); what was read is kept.
            }
        }, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static String seconds(java.time.Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
    }

    /**
     * SIGINT to the process (where there is a {@code kill} command: not on Windows), and up to the interrupt grace for it
     * to end by itself; then {@link #kill}. Runs with the thread's interrupt cleared, so the waits really wait; the
     * interrupt is restored for the caller.
     */
    private void stop(Process process) {
        boolean interrupted = Thread.interrupted();
        // Taken first: children of a process that ends on SIGINT are no longer its descendants, but may still run.
        var tree = process.descendants().toList();
        try {
            if (!interruptGrace.isZero() && !interruptGrace.isNegative() && interrupt(process.pid())) {
                process.waitFor(interruptGrace.toMillis(), TimeUnit.MILLISECONDS);
            }
            kill(process);
            tree.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            interrupted = true;
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static boolean interrupt(long pid) throws InterruptedException {
        try {
            return new ProcessBuilder("kill", "-INT", Long.toString(pid)).redirectErrorStream(true).start().waitFor() == 0;
        } catch (IOException e) {
            return false; // no kill command here: SIGTERM it is
        }
    }

    /** Asks the process and its descendants to stop, then forces those still alive after the grace period. */
    private static void kill(Process process) throws InterruptedException {
        var descendants = process.descendants().toList();
        descendants.forEach(ProcessHandle::destroy);
        process.destroy();
        if (!process.waitFor(GRACE_MILLIS, TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
        }
        descendants.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    }
}
