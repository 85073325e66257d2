package io.jenkins.plugins.mmdeploy.approval;

import hudson.AbortException;
import hudson.FilePath;
import hudson.model.Cause;
import hudson.model.Result;
import hudson.model.Run;
import hudson.model.TaskListener;
import io.jenkins.plugins.mmdeploy.host.BuildHost;
import io.jenkins.plugins.mmdeploy.host.DeployConfigs;
import io.jenkins.plugins.mmdeploy.host.FilePathWorkspace;
import io.jenkins.plugins.mmdeploy.host.StepFailure;
import io.jenkins.plugins.mmdeploy.host.TaskListenerEventSink;
import io.mmdeploy.engine.approval.Approval;
import io.mmdeploy.engine.approval.ApprovalGate;
import io.mmdeploy.engine.approval.GateDecision;
import io.mmdeploy.engine.approval.GatePlan;
import io.mmdeploy.engine.approval.GateReview;
import io.mmdeploy.engine.approval.RecordedApproval;
import io.mmdeploy.engine.config.ApprovalPolicy.Gate;
import io.mmdeploy.engine.config.EnvironmentSpec;
import io.mmdeploy.engine.config.LoadedConfig;
import io.mmdeploy.engine.port.SecretMask;
import io.mmdeploy.engine.steps.DeploySteps;
import io.mmdeploy.engine.tofu.TofuSettings;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
import org.jenkinsci.plugins.workflow.support.steps.input.InputAction;
import org.jenkinsci.plugins.workflow.support.steps.input.InputStep;
import org.jenkinsci.plugins.workflow.support.steps.input.InputStepExecution;

/**
 * The paused gate. The engine's {@link ApprovalGate} decides; this class only shows the pause through Jenkins' own
 * input step (its page, its links, its submitter check) and reports back.
 *
 * <p>Why not simply return the input step's execution: four eyes. When the person who started the build answers, the
 * input step has already settled (and recorded them on the build as approver); the gate then refuses the answer, says
 * so in the log and opens the same input again for someone else. So the gate is a plain {@link StepExecution} that
 * owns its current input execution, and survives a controller restart: the input and the deadline are kept in its
 * serialized state and re-registered in {@link #onResume()}.
 */
final class ApprovalGateExecution extends StepExecution {
    private static final long serialVersionUID = 1L;
    /** The input step's result is then the approver's user id. */
    static final String APPROVER_PARAMETER = "approver";

    private final String environment;
    private final String phase;
    private final String summary;
    private final String config;
    /** The hash of the plan the pipeline means (optional): it must be the run's open plan the approver is shown. */
    private final String expectedPlanHash;
    /** The plan the approver is shown and approves; null for the rollback confirmation, which approves no plan. */
    private volatile String planHash;

    // The engine's decision, flattened to plain values: this object is part of the Pipeline's saved program.
    private volatile boolean decided;
    private volatile String inputId;
    private volatile String message;
    private volatile String submitters;
    private volatile long timeoutMillis;
    private volatile boolean fourEyes;
    private volatile String starter;
    private volatile long deadlineMillis;
    private volatile InputStepExecution input;

    private transient ScheduledExecutorService timer;

    ApprovalGateExecution(StepContext context, String environment, String phase, String summary, String config, String expectedPlanHash) {
        super(context);
        this.environment = environment;
        this.phase = phase;
        this.summary = summary;
        this.config = config;
        this.expectedPlanHash = expectedPlanHash;
    }

    /** Reads the policy off the CPS thread (the workspace may be on an agent) and either passes or pauses. */
    @Override
    public boolean start() {
        onGateThread(this::open, null);
        return false;
    }

    private void open() {
        try {
            Run<?, ?> run = getContext().get(Run.class);
            TaskListener listener = getContext().get(TaskListener.class);
            FilePath workspace = getContext().get(FilePath.class);
            EnvironmentSpec env = DeployConfigs.load(
                            new FilePathWorkspace(workspace), config, new TaskListenerEventSink(listener, new SecretMask()))
                    .environment(environment);
            String shown = summary;
            boolean nothingToApprove = false;
            if (!Gate.ROLLBACK.id().equals(phase)) {
                // The approver is shown the run's open plan as the engine saved it, and approves exactly its hash.
                GatePlan open = openPlan();
                planHash = open.planHash();
                if (expectedPlanHash != null && !expectedPlanHash.equals(planHash)) {
                    throw new AbortException("The " + phase + " plan " + expectedPlanHash + " is not this run's open plan (" + planHash
                            + "): nothing to approve. Plan again.");
                }
                shown = open.summaryText();
                nothingToApprove = open.automatic();
            }
            GateDecision decision = gate().decide(env, phase, shown);
            if (nothingToApprove && !decision.automatic()) {
                // The engine says the plan changes nothing: its apply needs no person, so none is asked.
                log("The " + phase + " plan of " + environment + " changes nothing: it passes by itself.");
                succeed(gate().pass(new GateDecision(decision.environment(), decision.phase(), true, decision.inputId(),
                        decision.message(), decision.submitters(), decision.timeout(), decision.fourEyes())));
                return;
            }
            if (decision.automatic()) {
                log("The " + environment + " policy has no " + phase + " gate: approved automatically.");
                succeed(gate().pass(decision));
                return;
            }
            keep(decision);
            Cause.UserIdCause cause = run.getCause(Cause.UserIdCause.class);
            starter = cause == null ? null : cause.getUserId();
            deadlineMillis = gate().deadline(decision, gate().now()).toEpochMilli();
            log("Waiting up to " + Duration.ofMillis(timeoutMillis).toMinutes() + " min for approval of the " + phase
                    + " deploy to " + environment + (submitters == null ? "" : " by " + submitters)
                    + (fourEyes && starter != null ? " (four eyes: " + starter + ", who started this build, cannot approve)" : "")
                    + ".");
            ask();
            watchDeadline();
        } catch (Throwable t) {
            failed(StepFailure.of(t));
        }
    }

    private void keep(GateDecision decision) {
        decided = true;
        inputId = decision.inputId();
        message = decision.message();
        submitters = decision.submitterList();
        timeoutMillis = decision.timeout().toMillis();
        fourEyes = decision.fourEyes();
    }

    private GateDecision decision() {
        List<String> names = submitters == null ? List.of() : Arrays.asList(submitters.split(","));
        return new GateDecision(environment, Gate.valueOf(phase.toUpperCase(java.util.Locale.ROOT)), false, inputId, message,
                names, Duration.ofMillis(timeoutMillis), fourEyes);
    }

    /** Opens Jenkins' input for this gate: message = the summary, one id per environment and phase. */
    private void ask() throws Exception {
        InputStep step = new InputStep(message);
        step.setId(inputId);
        step.setSubmitter(submitters);
        step.setSubmitterParameter(APPROVER_PARAMETER);
        input = (InputStepExecution) step.start(new GateInputContext(getContext(), this));
        input.start();
        getContext().saveState();
    }

    /** The input was answered with "proceed": {@code value} is the approver's id (null when Jenkins had no user). */
    void answered(Object value) {
        onGateThread(() -> review(value), null);
    }

    private void review(Object value) throws Exception {
        GateReview review = gate().review(decision(), value instanceof String id ? id : null, starter);
        if (review.isAccepted()) {
            log("Approved by " + review.approval().approver() + ".");
            succeed(review.approval());
            return;
        }
        log(review.refusal());
        ask();
    }

    /** The input was aborted, stopped or timed out; so is the gate. */
    void failed(Throwable cause) {
        shutdownTimer();
        getContext().onFailure(cause);
    }

    private void succeed(Approval approval) throws IOException, InterruptedException {
        shutdownTimer();
        if (planHash != null && !Approval.AUTO.equals(approval.approver())) {
            GateApprovals.record(getContext().get(Run.class),
                    new RecordedApproval(environment, approval.phase(), planHash, approval.approver(), approval.approvedAt()));
        }
        Map<String, Object> out = new java.util.LinkedHashMap<>(approval.toMap());
        out.put("planHash", planHash);
        getContext().onSuccess(out);
    }

    /** The engine's view of the gate: the open plan and its saved summary; the run gives its lease back while it waits. */
    private GatePlan openPlan() throws Exception {
        BuildHost host = BuildHost.of(getContext(), DeployConfigs.directory(config));
        LoadedConfig loaded = DeployConfigs.loaded(host.workspace(), DeployConfigs.fileName(config), config, host.events());
        return new DeploySteps(host.stepHost(), loaded, TofuSettings.defaults()).openGate(environment, phase);
    }

    private void watchDeadline() {
        long delay = Math.max(0, deadlineMillis - System.currentTimeMillis());
        timer().schedule(() -> onGateThread(this::expire, null), delay, TimeUnit.MILLISECONDS);
    }

    private void expire() throws Exception {
        if (input == null || input.isSettled()) {
            return;
        }
        String reason = gate().timedOut(decision());
        log(reason);
        getContext().setResult(Result.ABORTED);
        input.stop(new AbortException(reason));
    }

    @Override
    public void stop(Throwable cause) {
        onGateThread(() -> {
            if (input != null && !input.isSettled()) {
                input.stop(cause); // reaches failed() through GateInputContext
            } else {
                failed(cause);
            }
        }, cause);
    }

    /**
     * After a restart the input is not among the Pipeline's running steps (the gate is), so Jenkins' input page would
     * not find it: register it again, and re-arm the deadline with the time that is left.
     */
    @Override
    public void onResume() {
        if (!decided || input == null) {
            onGateThread(this::open, null);
            return;
        }
        onGateThread(() -> {
            Run<?, ?> run = getContext().get(Run.class);
            InputAction inputs = run.getAction(InputAction.class);
            if (inputs != null && !input.isSettled()) {
                inputs.remove(input);
                inputs.add(input);
            }
            watchDeadline();
        }, null);
    }

    @Override
    public String getStatus() {
        return decided ? "waiting for approval " + inputId : "reading the approval policy of " + environment;
    }

    private void log(String line) {
        try {
            getContext().get(TaskListener.class).getLogger().println("[approval] " + line);
        } catch (IOException | InterruptedException e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private ApprovalGate gate() {
        return new ApprovalGate(Clock.systemUTC());
    }

    /**
     * Runs gate work on the gate's own thread, one task at a time: the gate needs no locks, and never holds one while
     * Jenkins' input code waits for the Pipeline's thread. When the gate has already settled, {@code lateFailure}
     * (if any) still reaches the Pipeline, which ignores it for a finished step.
     */
    private void onGateThread(GateTask task, Throwable lateFailure) {
        try {
            timer().execute(() -> {
                try {
                    task.run();
                } catch (Throwable t) {
                    failed(t);
                }
            });
        } catch (RejectedExecutionException settled) {
            if (lateFailure != null) {
                getContext().onFailure(lateFailure);
            }
        }
    }

    private interface GateTask {
        void run() throws Exception;
    }

    private synchronized ScheduledExecutorService timer() {
        if (timer == null) {
            ScheduledThreadPoolExecutor pool = new ScheduledThreadPoolExecutor(1, r -> {
                Thread t = new Thread(r, "mm-deploy approval gate " + environment + "/" + phase);
                t.setDaemon(true);
                return t;
            });
            // A settled gate drops its pending deadline instead of keeping a thread for it.
            pool.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
            timer = pool;
        }
        return timer;
    }

    private synchronized void shutdownTimer() {
        if (timer != null) {
            timer.shutdown();
        }
    }
}
