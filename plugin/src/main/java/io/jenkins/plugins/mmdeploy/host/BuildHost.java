package io.jenkins.plugins.mmdeploy.host;

import hudson.FilePath;
import hudson.Launcher;
import hudson.model.Run;
import hudson.model.TaskListener;
import io.mmdeploy.engine.port.CommandRunner;
import io.mmdeploy.engine.port.EventSink;
import io.mmdeploy.engine.port.SecretMask;
import io.mmdeploy.engine.port.Workspace;
import java.io.IOException;
import org.jenkinsci.plugins.workflow.steps.StepContext;

/**
 * The engine's ports for one step, built from the step's context: the workspace and processes on the build's agent,
 * and the build log as the event sink, masked with the step's own {@link SecretMask}.
 *
 * @param run the build
 * @param workspace the build's workspace
 * @param commands processes on the build's agent; null when the step runs without a launcher
 * @param events the build log
 * @param mask the secrets the step has met so far (stages add theirs)
 */
public record BuildHost(Run<?, ?> run, Workspace workspace, CommandRunner commands, EventSink events, SecretMask mask) {

    /** Reads the step's context; steps that use it require {@code FilePath} (and {@code Launcher} for commands). */
    public static BuildHost of(StepContext context) throws IOException, InterruptedException {
        Run<?, ?> run = context.get(Run.class);
        TaskListener listener = context.get(TaskListener.class);
        FilePath root = context.get(FilePath.class);
        if (root == null) {
            throw new hudson.AbortException("mm-deploy steps read the app repository: call them inside node { } after checkout");
        }
        Launcher launcher = context.get(Launcher.class);
        SecretMask mask = new SecretMask();
        EventSink events = new TaskListenerEventSink(listener, mask);
        return new BuildHost(
                run,
                new FilePathWorkspace(root),
                launcher == null ? null : new LauncherCommandRunner(launcher, root),
                events,
                mask);
    }
}
