package io.jenkins.plugins.mmdeploy.approval;

import static org.assertj.core.api.Assertions.assertThat;

import hudson.model.Cause;
import hudson.model.CauseAction;
import hudson.model.Item;
import hudson.model.Result;
import hudson.model.User;
import hudson.security.ACL;
import hudson.security.ACLContext;
import hudson.util.FormValidation;
import io.jenkins.plugins.mmdeploy.MindMirrorJenkinsFixture;
import java.util.Map;
import jenkins.model.Jenkins;
import org.htmlunit.Page;
import org.htmlunit.html.HtmlPage;
import org.jenkinsci.plugins.workflow.cps.CpsFlowDefinition;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.jenkinsci.plugins.workflow.job.WorkflowRun;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.MockAuthorizationStrategy;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

/**
 * mmOpenGate and mmApprovalGate in a real Pipeline, with the example's production policy (gates, four eyes) and alice
 * and bob as its submitters. The rollback confirmation is the gate used: it needs no plan, so no cloud. Runs with
 * -Pjenkins only; written against the real API, and not compiled or run on the offline machine this was written on.
 */
@WithJenkins
class ApprovalGateStepJenkinsTest {
    static final Map<String, String> ALICE_AND_BOB = Map.of("submitters: [release-managers]", "submitters: [alice, bob]");
    /** The gate opens on the node; the wait is outside it. */
    static final String SCRIPT = "node { mmOpenGate environment: 'production', phase: 'rollback', summary: 'Roll back journal in production' }\n"
            + "def gate = mmApprovalGate environment: 'production', phase: 'rollback'\n"
            + "echo \"approver=${gate.approver} phase=${gate.phase} at=${gate.approvedAt}\"";

    private JenkinsRule r;

    @BeforeEach
    void secure(JenkinsRule rule) {
        r = rule;
        r.jenkins.setSecurityRealm(r.createDummySecurityRealm());
        r.jenkins.setAuthorizationStrategy(new MockAuthorizationStrategy()
                .grant(Jenkins.READ, Item.READ, Item.BUILD).everywhere().to("alice", "bob", "eve"));
    }

    @Test
    void environmentWithoutGatesPassesByItself() throws Exception {
        WorkflowJob p = r.createProject(WorkflowJob.class, "p");
        MindMirrorJenkinsFixture.checkout(r, p, Map.of());
        p.setDefinition(new CpsFlowDefinition(SCRIPT.replace("production", "staging"), true));

        WorkflowRun b = r.buildAndAssertSuccess(p);

        r.assertLogContains("approver=auto", b);
        assertThat(GateApprovals.recorded(b)).isEmpty();
    }

    @Test
    void approvedBySubmitterWhileNoExecutorIsHeld() throws Exception {
        WorkflowRun b = startAs("alice");
        // Waiting outside node: the built-in node's executors are all free.
        assertThat(r.jenkins.toComputer().countBusy()).isZero();

        answer(b, "bob", true);

        r.assertBuildStatusSuccess(r.waitForCompletion(b));
        r.assertLogContains("approver=bob phase=rollback at=", b);
        assertThat(ApprovalPage.latest(b, "production", "rollback").orElseThrow().getOutcome()).startsWith("approved by bob");
    }

    @Test
    void rejectedAbortsTheBuild() throws Exception {
        WorkflowRun b = startAs("alice");

        answer(b, "bob", false);

        r.assertBuildStatus(Result.ABORTED, r.waitForCompletion(b));
        r.assertLogContains("Rejected by bob", b);
        r.assertLogNotContains("approver=", b);
    }

    @Test
    void fourEyesRefusesTheStarterRecordsNothingAndKeepsTheGateOpen() throws Exception {
        WorkflowRun b = startAs("alice");

        assertThat(answer(b, "alice", true)).isFalse();
        r.waitForMessage("alice started this build and cannot also approve it", b);
        assertThat(b.isBuilding()).isTrue();
        assertThat(ApprovalPage.latest(b, "production", "rollback").orElseThrow().isOpen()).isTrue();

        answer(b, "bob", true);
        r.assertBuildStatusSuccess(r.waitForCompletion(b));
        r.assertLogContains("approver=bob", b);
    }

    @Test
    void onAPushTriggeredBuildNoUserStartedItAndASubmitterApproves() throws Exception {
        WorkflowJob p = project();
        WorkflowRun b = p.scheduleBuild2(0, new CauseAction(new Cause.RemoteCause("github.example", "push"))).waitForStart();
        waitForOpenGate(b);

        assertThat(answer(b, "eve", true)).isFalse();
        r.waitForMessage("eve is not among the approvers", b);
        answer(b, "alice", true);
        r.assertBuildStatusSuccess(r.waitForCompletion(b));
    }

    @Test
    void approveAndRejectArePostOnlyAndTheFormSendsTheCrumb() throws Exception {
        WorkflowRun b = startAs("alice");
        GateRequest gate = waitForOpenGate(b);
        JenkinsRule.WebClient wc = r.createWebClient().login("bob");
        wc.setThrowExceptionOnFailingStatusCode(false);

        Page get = wc.goTo(b.getUrl() + "mm-approval/approve?id=" + gate.id, null);
        assertThat(get.getWebResponse().getStatusCode()).isEqualTo(405);
        assertThat(gate.isOpen()).isTrue();

        HtmlPage page = wc.goTo(b.getUrl() + "mm-approval/");
        r.submit(page.getFormByName("approve-" + gate.id));
        r.assertBuildStatusSuccess(r.waitForCompletion(b));
        r.assertLogContains("approver=bob", b);
    }

    private WorkflowJob project() throws Exception {
        WorkflowJob p = r.createProject(WorkflowJob.class, "p");
        MindMirrorJenkinsFixture.checkout(r, p, ALICE_AND_BOB);
        p.setDefinition(new CpsFlowDefinition(SCRIPT, true));
        return p;
    }

    private WorkflowRun startAs(String user) throws Exception {
        WorkflowRun b = project().scheduleBuild2(0, new CauseAction(new Cause.UserIdCause(user))).waitForStart();
        waitForOpenGate(b);
        return b;
    }

    static GateRequest waitForOpenGate(WorkflowRun b) throws Exception {
        while (true) {
            GateRequest gate = ApprovalPage.latest(b, "production", "rollback").orElse(null);
            if (gate != null && gate.isOpen()) {
                return gate;
            }
            Thread.sleep(100);
        }
    }

    /** Answers as {@code user} through the page's web method; false when the answer was refused (an error page). */
    static boolean answer(WorkflowRun b, String user, boolean approve) throws Exception {
        GateRequest gate = waitForOpenGate(b);
        ApprovalPage page = b.getAction(ApprovalPage.class);
        try (ACLContext ignored = ACL.as(User.getById(user, true))) {
            FormValidation response = approve ? page.doApprove(gate.id) : page.doReject(gate.id);
            return response.kind == FormValidation.Kind.OK;
        }
    }
}
