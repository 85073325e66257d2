package io.jenkins.plugins.mmdeploy.host;

import hudson.FilePath;
import hudson.Launcher;
import io.mmdeploy.engine.diagnostics.DeployException;
import io.mmdeploy.engine.port.Command;
import io.mmdeploy.engine.port.CommandResult;
import io.mmdeploy.engine.port.CommandRunner;
import io.mmdeploy.engine.port.SecretMask;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Runs the engine's commands on the build's agent through {@link Launcher}, in the workspace, with the Pipeline's
 * environment under the command's own variables ({@link PipelineEnvironment}). The command line is not echoed (it may
 * carry secrets); its output reaches the engine line by line, masked.
 */
public final class LauncherCommandRunner implements CommandRunner {
    private final Launcher launcher;
    private final FilePathWorkspace workspace;
    private final FilePath root;
    private final PipelineEnvironment pipeline;

    public LauncherCommandRunner(Launcher launcher, FilePath root, PipelineEnvironment pipeline) {
        this.launcher = launcher;
        this.root = root;
        this.workspace = new FilePathWorkspace(root);
        this.pipeline = pipeline;
    }

    @Override
    public CommandResult run(Command command, Consumer<String> onLine) throws IOException, InterruptedException {
        SecretMask mask = new SecretMask();
        command.secrets().forEach(mask::add);
        LineSink stdout = new LineSink(mask, onLine);
        LineSink stderr = new LineSink(mask, onLine);
        Launcher.ProcStarter process = launcher.launch()
                .cmds(command.argv())
                .envs(pipeline.under(command.env()))
                .pwd(command.workingDir().isEmpty() ? root : workspace.resolve(command.workingDir()))
                .stdout(stdout)
                .stderr(stderr)
                .quiet(true);
        int exit = command.timeout() == null ? process.join() : joinWithin(process, command);
        stdout.close();
        stderr.close();
        return new CommandResult(exit, stdout.text(), stderr.text());
    }

    /**
     * Waits at most the command's timeout. Interrupting a waiting {@code join()} kills the process (Jenkins' Proc does
     * that on interrupt), so the watchdog interrupts this thread and the interruption is turned into a diagnostic.
     */
    private static int joinWithin(Launcher.ProcStarter process, Command command) throws IOException, InterruptedException {
        Thread waiting = Thread.currentThread();
        AtomicBoolean expired = new AtomicBoolean();
        ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "mm-deploy command watchdog");
            t.setDaemon(true);
            return t;
        });
        Duration limit = command.timeout();
        watchdog.schedule(() -> {
            expired.set(true);
            waiting.interrupt();
        }, limit.toMillis(), TimeUnit.MILLISECONDS);
        try {
            return process.join();
        } catch (InterruptedException e) {
            if (!expired.get()) {
                throw e;
            }
            throw DeployException.of(
                    "Command timed out: " + command.argv().get(0),
                    "It ran longer than its limit of " + limit.toSeconds() + " s and was killed.");
        } finally {
            watchdog.shutdownNow();
            if (expired.get()) {
                Thread.interrupted(); // the watchdog may fire just as the process ends
            }
        }
    }
}
