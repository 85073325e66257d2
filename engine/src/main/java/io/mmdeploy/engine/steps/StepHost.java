package io.mmdeploy.engine.steps;

import io.mmdeploy.engine.approval.ApprovalLedger;
import io.mmdeploy.engine.port.CommandRunner;
import io.mmdeploy.engine.port.EventSink;
import io.mmdeploy.engine.port.HostSecrets;
import io.mmdeploy.engine.port.SecretMask;
import io.mmdeploy.engine.port.Sleeper;
import io.mmdeploy.engine.port.Workspace;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;

/**
 * What the host (Jenkins, a terminal) gives every step: its ports, rooted at the config file's directory, because
 * every path in the config is relative to it.
 *
 * @param workspace the config file's directory
 * @param localRoot the same directory on this machine's file system, where git is read with JGit; null when it is on
 *     another machine (a Jenkins agent): git then runs as a program through {@code commands}
 * @param commands processes in that directory; null when the host cannot start any
 * @param events where the stages' log events go (the host masks them)
 * @param mask the secrets met so far; stages add theirs
 * @param google the environment's Google clients
 * @param clock the time of records and approvals
 * @param sleeper the wait between health check tries
 * @param approvals the approvals people gave in this run, as the host recorded them
 * @param holder who runs (e.g. {@code jenkins:deploy/main#42}, {@code cli:ana@laptop}): the name a second run is told
 *     when it finds the environment's lease taken
 * @param buildBranch the branch the host is building (Jenkins' {@code BRANCH_NAME} in a multibranch job); null when the
 *     host builds no branch (a terminal, a plain job). Where given, a mutating phase refuses an environment whose
 *     {@code branch} is another one, so a Replay or a job of another branch cannot deploy there.
 * @param buildUrl the page of the build that runs, for notifications; null when there is none (a terminal)
 * @param secrets the secret texts the host keeps (a webhook's URL as a Jenkins credential)
 * @param journalLock held around every read and write of the run's journal in this workspace; the host shares one
 *     between the steps it runs there at once (Jenkins: {@code parallel} branches on one agent). Null: this host's own.
 */
public record StepHost(
        Workspace workspace,
        Path localRoot,
        CommandRunner commands,
        EventSink events,
        SecretMask mask,
        GoogleConnection google,
        Clock clock,
        Sleeper sleeper,
        ApprovalLedger approvals,
        String holder,
        String buildBranch,
        String buildUrl,
        HostSecrets secrets,
        Lock journalLock) {

    public StepHost {
        journalLock = journalLock == null ? new ReentrantLock() : journalLock;
    }

    /** A host without a build page or secrets of its own (a terminal). */
    public StepHost(Workspace workspace, Path localRoot, CommandRunner commands, EventSink events, SecretMask mask,
            GoogleConnection google, Clock clock, Sleeper sleeper, ApprovalLedger approvals, String holder, String buildBranch) {
        this(workspace, localRoot, commands, events, mask, google, clock, sleeper, approvals, holder, buildBranch, null, HostSecrets.NONE, null);
    }

    /** A host that records no approvals (every gated phase refuses) and names itself {@code unnamed}. */
    public StepHost(Workspace workspace, Path localRoot, CommandRunner commands, EventSink events, SecretMask mask,
            GoogleConnection google, Clock clock, Sleeper sleeper) {
        this(workspace, localRoot, commands, events, mask, google, clock, sleeper, ApprovalLedger.none(), "unnamed", null);
    }

    public StepHost withApprovals(ApprovalLedger ledger) {
        return new StepHost(workspace, localRoot, commands, events, mask, google, clock, sleeper, ledger, holder, buildBranch, buildUrl, secrets, journalLock);
    }

    public StepHost withBuildBranch(String branch) {
        return new StepHost(workspace, localRoot, commands, events, mask, google, clock, sleeper, approvals, holder, branch, buildUrl, secrets, journalLock);
    }

    /** The build's page and the host's secret texts, for notifications. */
    public StepHost withBuild(String url, HostSecrets hostSecrets) {
        return new StepHost(workspace, localRoot, commands, events, mask, google, clock, sleeper, approvals, holder, buildBranch, url, hostSecrets, journalLock);
    }

    /** The lock the steps running at once in this workspace share for its journal. */
    public StepHost withJournalLock(Lock lock) {
        return new StepHost(workspace, localRoot, commands, events, mask, google, clock, sleeper, approvals, holder, buildBranch, buildUrl,
                secrets, lock);
    }
}
