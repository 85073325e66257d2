package io.jenkins.plugins.mmdeploy.approval;

import hudson.AbortException;
import hudson.model.Result;
import hudson.model.Run;
import hudson.model.TaskListener;
import io.mmdeploy.engine.approval.Approval;
import io.mmdeploy.engine.approval.ApprovalGate;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import jenkins.model.Jenkins;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepExecution;

/**
 * The wait of mmApprovalGate for the gate mmOpenGate opened. It needs no workspace and no executor: its whole state
 * is the gate on the build ({@link ApprovalPage}, saved in build.xml), which the page's answers and the policy's
 * timeout settle; this step only ends as that state says. After a restart it reads the gate again: an answer given
 * while Jenkins was down or just before is found there, and the deadline is re-armed with the time left.
 */
final class ApprovalGateExecution extends StepExecution {
    private static final long serialVersionUID = 1L;

    private final String environment;
    private final String phase;
    private final String planHash;
    private volatile String gateId;
    private transient volatile ScheduledFuture<?> deadline;
    private transient AtomicBoolean ended;

    ApprovalGateExecution(StepContext context, String environment, String phase, String planHash) {
        super(context);
        this.environment = environment;
        this.phase = phase;
        this.planHash = planHash;
    }

    @Override
    public boolean start() throws Exception {
        Run<?, ?> run = getContext().get(Run.class);
        GateRequest gate = ApprovalPage.latest(run, environment, phase).orElseThrow(() -> new AbortException(
                "mmApprovalGate: no " + phase + " gate of " + environment + " is open on this build. Call mmOpenGate(environment: '"
                        + environment + "', phase: '" + phase + "') right after the plan, on the node, first."));
        if (planHash != null && !planHash.equals(gate.planHash)) {
            throw new AbortException("mmApprovalGate: the " + phase + " gate of " + environment + " open on this build is for plan "
                    + gate.planHash + ", not " + planHash + ": nothing to approve. Plan again and open the gate for the new plan.");
        }
        gateId = gate.id;
        if (GateRequest.OPEN.equals(gate.state())) {
            log("Waiting until " + gate.deadline() + " for approval of the " + phase + " deploy to " + environment + " by "
                    + gate.getApprovers() + (gate.fourEyes ? " (four eyes: not whoever started this build or wrote its commits)" : "")
                    + ": " + pageUrl(run));
        }
        settleOrWait(run, gate);
        return false;
    }

    @Override
    public void onResume() {
        try {
            Run<?, ?> run = getContext().get(Run.class);
            GateRequest gate = ApprovalPage.byId(run, gateId).orElseThrow(() -> new AbortException(
                    "The " + phase + " gate of " + environment + " is gone from the build after the restart. Run the deploy again."));
            settleOrWait(run, gate);
        } catch (Exception e) {
            end(() -> getContext().onFailure(e));
        }
    }

    /** Ends the step if the gate is settled; else arms the deadline for the time left. */
    private void settleOrWait(Run<?, ?> run, GateRequest gate) throws IOException {
        if (GateRequest.OPEN.equals(gate.state())) {
            deadline = GateDeadlines.get().after(Duration.between(Instant.now(), gate.deadline()), () -> expire(run, gate));
            return;
        }
        finish(gate);
    }

    private void expire(Run<?, ?> run, GateRequest gate) {
        if (gate.settle(GateRequest.TIMED_OUT, null, Instant.now())) {
            try {
                run.save();
            } catch (IOException e) {
                log("Could not save the build after the gate timed out: " + e.getMessage());
            }
        }
        finish(gate);
    }

    /** Ends the step as the gate ended; once. */
    private void finish(GateRequest gate) {
        String state = gate.state();
        if (GateRequest.OPEN.equals(state)) {
            return;
        }
        ScheduledFuture<?> pending = deadline;
        if (pending != null) {
            pending.cancel(false);
        }
        switch (state) {
            case GateRequest.AUTOMATIC -> end(() -> {
                log("The " + phase + " gate of " + environment + " passes by itself.");
                getContext().onSuccess(result(Approval.AUTO, gate.openedAtMillis));
            });
            case GateRequest.APPROVED -> end(() -> {
                log("Approved by " + gate.answeredBy() + " at " + gate.answeredAt() + ".");
                getContext().onSuccess(result(gate.answeredBy(), gate.answeredAt().toEpochMilli()));
            });
            case GateRequest.REJECTED -> abort("Rejected by " + gate.answeredBy() + " at " + gate.answeredAt() + ": the " + phase
                    + " deploy to " + environment + " stops here.");
            case GateRequest.TIMED_OUT -> abort(new ApprovalGate(Clock.systemUTC()).timedOut(gate.decision()));
            default -> abort("The " + phase + " gate of " + environment + " was aborted.");
        }
    }

    private void abort(String reason) {
        end(() -> {
            log(reason);
            getContext().setResult(Result.ABORTED);
            getContext().onFailure(new AbortException(reason));
        });
    }

    private Map<String, Object> result(String approver, long atMillis) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("approver", approver);
        out.put("approvedAt", Instant.ofEpochMilli(atMillis).toString());
        out.put("phase", phase);
        out.put("planHash", planHash);
        return out;
    }

    /** The build was aborted while it waited: the gate closes, so a late answer is refused, not recorded. */
    @Override
    public void stop(Throwable cause) throws Exception {
        Run<?, ?> run = getContext().get(Run.class);
        if (gateId != null) {
            ApprovalPage.byId(run, gateId).ifPresent(gate -> {
                if (gate.settle(GateRequest.ABORTED, null, Instant.now())) {
                    try {
                        run.save();
                    } catch (IOException e) {
                        log("Could not save the build after the gate was aborted: " + e.getMessage());
                    }
                }
            });
        }
        ScheduledFuture<?> pending = deadline;
        if (pending != null) {
            pending.cancel(false);
        }
        end(() -> getContext().onFailure(cause));
    }

    @Override
    public String getStatus() {
        return "waiting for approval of the " + phase + " gate of " + environment;
    }

    private synchronized void end(Runnable completion) {
        if (ended == null) {
            ended = new AtomicBoolean();
        }
        if (ended.compareAndSet(false, true)) {
            completion.run();
        }
    }

    private void log(String line) {
        try {
            getContext().get(TaskListener.class).getLogger().println("[approval] " + line);
        } catch (IOException e) {
            // The log is gone with the build: nothing to tell.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String pageUrl(Run<?, ?> run) {
        String root = Jenkins.get().getRootUrl();
        return (root == null ? "/" : root) + run.getUrl() + "mm-approval/";
    }

    private boolean waitsFor(Run<?, ?> run, String id) {
        try {
            return id.equals(gateId) && run.getExternalizableId().equals(getContext().get(Run.class).getExternalizableId());
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    /** The page settled gate {@code id} of {@code run}: its waiting step ends as the gate says. */
    static void wake(Run<?, ?> run, String id) {
        StepExecution.acceptAll(ApprovalGateExecution.class, e -> {
            if (e.waitsFor(run, id)) {
                ApprovalPage.byId(run, id).ifPresent(e::finish);
            }
        });
    }

    /** A line for the log of the build whose gate {@code id} is waiting (a refused answer: who, and why). */
    static void tell(Run<?, ?> run, String id, String line) {
        StepExecution.acceptAll(ApprovalGateExecution.class, e -> {
            if (e.waitsFor(run, id)) {
                e.log(line);
            }
        });
    }
}
