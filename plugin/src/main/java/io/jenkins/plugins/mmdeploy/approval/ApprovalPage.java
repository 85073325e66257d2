package io.jenkins.plugins.mmdeploy.approval;

import hudson.Util;
import hudson.model.Run;
import hudson.util.FormValidation;
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
import org.kohsuke.stapler.QueryParameter;
import org.kohsuke.stapler.verb.POST;

/**
 * "Approval" on the build page ({@code <build>/mm-approval/}): each gate mmOpenGate opened on this build, its short
 * prompt and the plan summary preformatted, and, while it is open, Approve and Reject. Both are POST only (and carry
 * Jenkins' CSRF crumb) and answer with a short page saying what happened (a {@link FormValidation}: the one response
 * type of the API this plugin is checked against); each answer is reviewed by the engine ({@link ApprovalGate#review}) before anything is
 * settled, so a refused answer is recorded nowhere: no approval on the build, in the REST API or in the release
 * record. An accepted one is recorded on the build ({@link GateApprovals}) and saved before the waiting step is told,
 * so an answer given just before a restart is found when the step resumes.
 */
public final class ApprovalPage implements RunAction2 {
    private final List<GateRequest> gates = new CopyOnWriteArrayList<>();
    private transient Run<?, ?> run;

    /** Keeps a newly opened gate on the build (creating the page on first use) and saves the build. */
    static GateRequest open(Run<?, ?> run, GateDecision decision, String planHash, String prompt, String summary, List<String> people,
            boolean automatic, Instant now) throws IOException {
        ApprovalPage page;
        synchronized (run) {
            page = run.getAction(ApprovalPage.class);
            if (page == null) {
                page = new ApprovalPage();
                run.addAction(page);
            }
        }
        GateRequest request = new GateRequest(decision.inputId() + "-" + (page.gates.size() + 1), decision, planHash, prompt, summary,
                people, automatic, now);
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

    @POST
    public FormValidation doApprove(@QueryParameter String id) throws IOException {
        Optional<GateRequest> open = openGate(id);
        if (open.isEmpty()) {
            return notOpen(id);
        }
        GateRequest gate = open.get();
        Answerer who = BuildIdentities.answerer(run);
        GateReview review = new ApprovalGate(Clock.systemUTC()).review(gate.decision(), who, BuildIdentities.involved(run, gate),
                BuildIdentities.comparison());
        if (!review.isAccepted()) {
            ApprovalGateExecution.tell(run, gate.id, "Refused: " + review.refusal());
            return answer(false, review.refusal());
        }
        Instant at = review.approval().approvedAt();
        if (!gate.settle(GateRequest.APPROVED, who.id(), at)) {
            return notOpen(id);
        }
        if (gate.planHash != null) {
            GateApprovals.record(run, new RecordedApproval(gate.environment, gate.decision().phase(), gate.planHash, who.id(), at));
        } else {
            run.save();
        }
        ApprovalGateExecution.wake(run, gate.id);
        return answer(true, "Approved by " + who.id() + ": the " + gate.phase + " deploy to " + gate.environment + " goes on.");
    }

    @POST
    public FormValidation doReject(@QueryParameter String id) throws IOException {
        Optional<GateRequest> open = openGate(id);
        if (open.isEmpty()) {
            return notOpen(id);
        }
        GateRequest gate = open.get();
        Answerer who = BuildIdentities.answerer(run);
        Optional<String> refused = new ApprovalGate(Clock.systemUTC()).mayReject(gate.decision(), who, BuildIdentities.comparison());
        if (refused.isPresent()) {
            ApprovalGateExecution.tell(run, gate.id, "Refused: " + refused.get());
            return answer(false, refused.get());
        }
        if (!gate.settle(GateRequest.REJECTED, who.id(), Instant.now())) {
            return notOpen(id);
        }
        run.save();
        ApprovalGateExecution.wake(run, gate.id);
        return answer(true, "Rejected by " + who.id() + ": the " + gate.phase + " deploy to " + gate.environment + " stops.");
    }

    private Optional<GateRequest> openGate(String id) {
        return find(id == null ? "" : id).filter(GateRequest::isOpen);
    }

    private FormValidation notOpen(String id) {
        Optional<GateRequest> gate = find(id == null ? "" : id);
        return answer(false, gate.isEmpty() ? "No gate " + id + " on this build."
                : "This gate is no longer open: " + gate.get().getOutcome() + ".");
    }

    /** The answer's page: what happened, escaped, and the way back to the gates. */
    private static FormValidation answer(boolean done, String text) {
        String html = Util.escape(text) + " <a href=\".\">Back to the approval page</a>";
        return done ? FormValidation.okWithMarkup(html) : FormValidation.errorWithMarkup(html);
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
