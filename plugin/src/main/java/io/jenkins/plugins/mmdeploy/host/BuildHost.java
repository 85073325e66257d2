package io.jenkins.plugins.mmdeploy.host;

import hudson.EnvVars;
import hudson.FilePath;
import hudson.Launcher;
import hudson.model.Run;
import hudson.model.TaskListener;
import io.jenkins.plugins.mmdeploy.approval.GateApprovals;
import io.jenkins.plugins.mmdeploy.credentials.SecretTextCredentials;
import io.mmdeploy.engine.port.CommandRunner;
import io.mmdeploy.engine.port.EventSink;
import io.mmdeploy.engine.port.SecretMask;
import io.mmdeploy.engine.port.Sleeper;
import io.mmdeploy.engine.port.Workspace;
import java.io.IOException;
import io.mmdeploy.engine.steps.StepHost;
import java.nio.file.Path;
import java.time.Clock;
import jenkins.model.Jenkins;
import org.jenkinsci.plugins.workflow.steps.StepContext;

/**
 * The engine's ports for one step, built from the step's context: the workspace and processes on the build's agent,
 * and the build log as the event sink, masked with the step's own {@link SecretMask}.
 *
 * @param run the build
 * @param workspace the build's workspace (or the directory of it the step works in)
 * @param localRoot the same directory as a path of this JVM's file system; null when it is on an agent
 * @param commands processes on the build's agent, in that directory; null when the step runs without a launcher
 * @param events the build log
 * @param mask the secrets the step has met so far (stages add theirs)
 * @param pipeline the Pipeline's environment at the step (its commands get it; its {@code BRANCH_NAME} is the build's branch)
 */
public record BuildHost(Run<?, ?> run, Workspace workspace, Path localRoot, CommandRunner commands, EventSink events, SecretMask mask,
        PipelineEnvironment pipeline) {

    /**
     * The engine's host for this step: the build's ports, the environment's credential, the build as the lease's
     * holder ({@code jenkins:<job>#<number>}), so a terminal run that finds the environment taken is told which build has
     * it, and the branch the build builds, so no mutating phase touches an environment of another branch.
     */
    public StepHost stepHost() {
        return new StepHost(workspace, localRoot, commands, events, mask, new CredentialedGoogleConnection(run), Clock.systemUTC(),
                Sleeper.real(), GateApprovals.ledger(run), "jenkins:" + run.getExternalizableId(), pipeline.buildBranch())
                .withBuild(buildUrl(run), new SecretTextCredentials(run))
                .withJournalLock(JournalLocks.get().of(workspace.describe()));
    }

    /** The build's page for notifications; null when Jenkins' URL is not configured (Manage Jenkins → System). */
    static String buildUrl(Run<?, ?> run) {
        String root = Jenkins.get().getRootUrl();
        return root == null ? null : root + run.getUrl();
    }

    /** Reads the step's context; steps that use it require {@code FilePath} (and {@code Launcher} for commands). */
    public static BuildHost of(StepContext context) throws IOException, InterruptedException {
        return of(context, "");
    }

    /**
     * The ports rooted at {@code directory} of the workspace ("" for the workspace itself): the deploy steps work in
     * the config file's directory, because every path in the config is relative to it.
     */
    public static BuildHost of(StepContext context, String directory) throws IOException, InterruptedException {
        Run<?, ?> run = context.get(Run.class);
        TaskListener listener = context.get(TaskListener.class);
        FilePath workspaceRoot = context.get(FilePath.class);
        if (workspaceRoot == null) {
            throw new hudson.AbortException("mm-deploy steps read the app repository: call them inside node { } after checkout");
        }
        FilePath root = directory == null || directory.isEmpty() ? workspaceRoot : new FilePathWorkspace(workspaceRoot).resolve(directory);
        Launcher launcher = context.get(Launcher.class);
        PipelineEnvironment pipeline = PipelineEnvironment.of(context.get(EnvVars.class));
        SecretMask mask = new SecretMask();
        EventSink events = new TaskListenerEventSink(listener, mask);
        return new BuildHost(
                run,
                new FilePathWorkspace(root),
                root.isRemote() ? null : Path.of(root.getRemote()),
                launcher == null ? null : new LauncherCommandRunner(launcher, root, pipeline),
                events,
                mask,
                pipeline);
    }
}
