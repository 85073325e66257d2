package io.jenkins.plugins.mmdeploy.approval;

import hudson.model.Run;
import io.mmdeploy.engine.approval.Answerer;
import io.mmdeploy.engine.approval.ApprovalGate;
import io.mmdeploy.engine.approval.GateDecision;
import io.mmdeploy.engine.approval.GateReview;
import io.mmdeploy.engine.approval.RecordedApproval;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import jenkins.model.RunAction2;
import org.kohsuke.stapler.HttpResponse;
import org.kohsuke.stapler.HttpResponses;
import org.kohsuke.stapler.QueryParameter;
import org.kohsuke.stapler.interceptor.RequirePOST;

/**
 * "Approval" on the build page ({@code <build>/mm-approval/}): each gate mmOpenGate opened on this build, its short
 * prompt and the plan summary preformatted, and, while it is open, Approve and Reject. Both are POST only (and carry
 * Jenkins' CSRF crumb); each answer is reviewed by the engine ({@link ApprovalGate#review}) before anything is
 * settled, so a refused answer is recorded nowhere: no approval on the build, in the REST API or in the release
 * record. An accepted one is recorded on the build ({@link GateApprovals}) and saved before the waiting step is told,
 * so an answer given just before a restart is found when the step resumes.
 */
public final class ApprovalPage implements RunAction2 {
    private final List<GateRequest> gates = new CopyOnWriteArrayList<>();
    private transient Run<?, ?> run;

    /** Keeps a newly opened gate on the build (creating the page on first use) and saves the build. */
    static GateRequest open(Run<?, ?> run, GateDecision decision, String planHash, String prompt, String summary, boolean automatic,
            Instant now) throws IOException {
        ApprovalPage page;
        synchronized (run) {
            page = run.getAction(ApprovalPage.class);
            if (page == null) {
                page = new ApprovalPage();
                run.addAction(page);
            }
        }
        GateRequest request = new GateRequest(decision.inputId() + "-" + (page.gates.size() + 1), decision, planHash, prompt, summary,
                automatic, now);
        page.gates.add(request);
        run.save();
        return request;
    }

    /** The gate most recently opened on the build for this environment and phase. */
    static Optional<GateRequest> latest(Run<?, ?> run, String environment, String phase) {
        ApprovalPage page = run.getAction(ApprovalPage.class);
        if (page == null) {
            return Optional.empty();
        }
        return page.gates.stream().filter(g -> g.environment.equals(environment) && g.phase.equals(phase)).reduce((first, later) -> later);
    }

    static Optional<GateRequest> byId(Run<?, ?> run, String id) {
        ApprovalPage page = run.getAction(ApprovalPage.class);
        return page == null ? Optional.empty() : page.find(id);
    }

    private Optional<GateRequest> find(String id) {
        return gates.stream().filter(g -> g.id.equals(id)).findFirst();
    }

    public List<GateRequest> getGates() {
        return List.copyOf(gates);
    }

    public Run<?, ?> getRun() {
        return run;
    }

    @RequirePOST
    public HttpResponse doApprove(@QueryParameter String id) throws IOException {
        GateRequest gate = openGate(id);
        Answerer who = BuildIdentities.answerer(run);
        GateReview review = new ApprovalGate(Clock.systemUTC()).review(gate.decision(), who, BuildIdentities.involved(run),
                BuildIdentities.comparison());
        if (!review.isAccepted()) {
            ApprovalGateExecution.tell(run, gate.id, "Refused: " + review.refusal());
            return HttpResponses.errorWithoutStack(403, review.refusal());
        }
        Instant at = review.approval().approvedAt();
        if (!gate.settle(GateRequest.APPROVED, who.id(), at)) {
            return HttpResponses.errorWithoutStack(409, "This gate is no longer open: " + gate.getOutcome() + ".");
        }
        if (gate.planHash != null) {
            GateApprovals.record(run, new RecordedApproval(gate.environment, gate.decision().phase(), gate.planHash, who.id(), at));
        } else {
            run.save();
        }
        ApprovalGateExecution.wake(run, gate.id);
        return HttpResponses.redirectToDot();
    }

    @RequirePOST
    public HttpResponse doReject(@QueryParameter String id) throws IOException {
        GateRequest gate = openGate(id);
        Answerer who = BuildIdentities.answerer(run);
        Optional<String> refused = new ApprovalGate(Clock.systemUTC()).mayReject(gate.decision(), who, BuildIdentities.comparison());
        if (refused.isPresent()) {
            ApprovalGateExecution.tell(run, gate.id, "Refused: " + refused.get());
            return HttpResponses.errorWithoutStack(403, refused.get());
        }
        if (!gate.settle(GateRequest.REJECTED, who.id(), Instant.now())) {
            return HttpResponses.errorWithoutStack(409, "This gate is no longer open: " + gate.getOutcome() + ".");
        }
        run.save();
        ApprovalGateExecution.wake(run, gate.id);
        return HttpResponses.redirectToDot();
    }

    private GateRequest openGate(String id) {
        GateRequest gate = find(id == null ? "" : id).orElseThrow(() -> HttpResponses.errorWithoutStack(404, "No gate " + id + " on this build."));
        if (!gate.isOpen()) {
            throw HttpResponses.errorWithoutStack(409, "This gate is no longer open: " + gate.getOutcome() + ".");
        }
        return gate;
    }

    @Override
    public String getIconFileName() {
        return "clipboard.png";
    }

    @Override
    public String getDisplayName() {
        return "Approval";
    }

    @Override
    public String getUrlName() {
        return "mm-approval";
    }

    @Override
    public void onAttached(Run<?, ?> r) {
        this.run = r;
    }

    @Override
    public void onLoad(Run<?, ?> r) {
        this.run = r;
    }
}
