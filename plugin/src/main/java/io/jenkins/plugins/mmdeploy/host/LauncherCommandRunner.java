package io.jenkins.plugins.mmdeploy.host;

import hudson.FilePath;
import hudson.Launcher;
import io.mmdeploy.engine.port.Command;
import io.mmdeploy.engine.port.CommandResult;
import io.mmdeploy.engine.port.CommandRunner;
import io.mmdeploy.engine.port.SecretMask;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.FutureTask;
import java.util.function.Consumer;

/**
 * Runs the engine's commands on the build's agent through {@link Launcher}, in the workspace, with the Pipeline's
 * environment under the command's own variables ({@link PipelineEnvironment}). The command line is not echoed (it may
 * carry secrets); its output reaches the engine line by line, masked. An aborted or timed-out command gets SIGINT and
 * {@link AgentProcess#INTERRUPT_GRACE} to end by itself before Jenkins kills it ({@link AgentProcess}).
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
        FilePath pidFile = launcher.isUnix() ? pidFile() : null;
        try {
            Launcher.ProcStarter process = launcher.launch()
                    .cmds(pidFile == null ? command.argv() : AgentProcess.recordingPid(command.argv(), pidFile.getRemote()))
                    .envs(pipeline.under(command.env()))
                    .pwd(command.workingDir().isEmpty() ? root : workspace.resolve(command.workingDir()))
                    .stdout(stdout)
                    .stderr(stderr)
                    .quiet(true);
            FutureTask<Integer> join = new FutureTask<>(process::join);
            Thread waiting = new Thread(join, "mm-deploy " + command.argv().get(0));
            waiting.setDaemon(true);
            waiting.start();
            int exit = AgentProcess.await(join, command.timeout(), AgentProcess.INTERRUPT_GRACE, () -> interrupt(pidFile),
                    command.argv().get(0));
            stdout.close();
            stderr.close();
            return new CommandResult(exit, stdout.text(), stderr.text());
        } finally {
            if (pidFile != null) {
                pidFile.delete();
            }
        }
    }

    /** In the workspace's own temporary directory ({@code <workspace>@tmp}, as Jenkins names it): never in the checkout. */
    private FilePath pidFile() throws IOException, InterruptedException {
        FilePath tmp = root.sibling(root.getName() + "@tmp");
        tmp.mkdirs();
        return tmp.createTempFile("mm-deploy-", ".pid");
    }

    /** {@code kill -INT} to the PID the command recorded, on its agent; false when it recorded none. */
    private boolean interrupt(FilePath pidFile) throws IOException, InterruptedException {
        String pid = pidFile == null ? "" : pidFile.readToString().strip();
        if (!pid.matches("[0-9]+")) {
            return false;
        }
        return launcher.launch().cmds(List.of("kill", "-INT", pid)).quiet(true).join() == 0;
    }
}
