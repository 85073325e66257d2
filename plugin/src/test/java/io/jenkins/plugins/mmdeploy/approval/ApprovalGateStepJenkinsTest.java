package io.jenkins.plugins.mmdeploy.approval;

import static org.assertj.core.api.Assertions.assertThat;

import hudson.model.Cause;
import hudson.model.CauseAction;
import hudson.model.Item;
import hudson.model.Result;
import hudson.model.User;
import hudson.security.ACL;
import hudson.security.ACLContext;
import io.jenkins.plugins.mmdeploy.MindMirrorJenkinsFixture;
import java.util.Map;
import jenkins.model.Jenkins;
import org.jenkinsci.plugins.workflow.cps.CpsFlowDefinition;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.jenkinsci.plugins.workflow.job.WorkflowRun;
import org.jenkinsci.plugins.workflow.support.steps.input.InputAction;
import org.jenkinsci.plugins.workflow.support.steps.input.InputStepExecution;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.MockAuthorizationStrategy;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

/**
 * mmApprovalGate in a real Pipeline: the example's production policy (gates on services and gateway, four eyes),
 * with alice and bob as its submitters. Runs with -Pjenkins; written against the real API, not run on the offline machine.
 */
@WithJenkins
class ApprovalGateStepJenkinsTest {
    static final String INPUT_ID = "MmDeployProductionServices";
    static final Map<String, String> ALICE_AND_BOB = Map.of("submitters: [release-managers]", "submitters: [alice, bob]");
    static final String SCRIPT = "node {\n"
            + "  def gate = mmApprovalGate environment: 'production', phase: 'services', summary: 'Plan: 2 to change.'\n"
            + "  echo \"approver=${gate.approver} phase=${gate.phase} at=${gate.approvedAt}\"\n"
            + "}";

    private JenkinsRule r;

    @BeforeEach
    void secure(JenkinsRule rule) {
        r = rule;
        r.jenkins.setSecurityRealm(r.createDummySecurityRealm());
        r.jenkins.setAuthorizationStrategy(new MockAuthorizationStrategy()
                .grant(Jenkins.READ, Item.READ, Item.BUILD).everywhere().to("alice", "bob", "eve"));
    }

    @Test
    void environmentWithoutGateApprovesAutomatically() throws Exception {
        WorkflowJob p = r.createProject(WorkflowJob.class, "p");
        MindMirrorJenkinsFixture.checkout(r, p, Map.of());
        p.setDefinition(new CpsFlowDefinition(
                "node { def gate = mmApprovalGate environment: 'staging', phase: 'services', summary: 's'\n"
                        + "echo \"approver=${gate.approver}\" }", true));

        WorkflowRun b = r.buildAndAssertSuccess(p);

        r.assertLogContains("approver=auto", b);
        assertThat(b.getAction(InputAction.class)).isNull();
    }

    @Test
    void gateApprovedBySubmitterReturnsApproverAndTime() throws Exception {
        WorkflowRun b = startAs("alice");

        proceed(b, "bob");

        r.assertBuildStatusSuccess(r.waitForCompletion(b));
        r.assertLogContains("approver=bob phase=services at=", b);
    }

    @Test
    void gateRejectedAbortsTheBuild() throws Exception {
        WorkflowRun b = startAs("alice");

        InputStepExecution input = waitForInput(b);
        try (ACLContext ignored = ACL.as(User.getById("bob", true))) {
            input.doAbort();
        }

        r.assertBuildStatus(Result.ABORTED, r.waitForCompletion(b));
        r.assertLogNotContains("approver=", b);
    }

    @Test
    void starterCannotApproveAndTheGateStaysOpenForSomeoneElse() throws Exception {
        WorkflowRun b = startAs("alice");

        proceed(b, "alice");
        r.waitForMessage("alice started this deploy and cannot also approve it", b);
        assertThat(b.isBuilding()).isTrue();

        proceed(b, "bob");
        r.assertBuildStatusSuccess(r.waitForCompletion(b));
        r.assertLogContains("approver=bob", b);
    }

    @Test
    void onlyThePolicysSubmittersMayApprove() throws Exception {
        WorkflowRun b = startAs("alice");

        InputStepExecution input = waitForInput(b);
        try (ACLContext ignored = ACL.as(User.getById("eve", true))) {
            org.junit.jupiter.api.Assertions.assertThrows(Exception.class, input::doProceedEmpty);
        }
        assertThat(b.isBuilding()).isTrue();
        proceed(b, "bob");
        r.assertBuildStatusSuccess(r.waitForCompletion(b));
    }

    private WorkflowRun startAs(String user) throws Exception {
        WorkflowJob p = r.createProject(WorkflowJob.class, "p");
        MindMirrorJenkinsFixture.checkout(r, p, ALICE_AND_BOB);
        p.setDefinition(new CpsFlowDefinition(SCRIPT, true));
        WorkflowRun b = p.scheduleBuild2(0, new CauseAction(new Cause.UserIdCause(user))).waitForStart();
        r.waitForMessage("for approval of the services deploy to production", b);
        return b;
    }

    static InputStepExecution waitForInput(WorkflowRun b) throws Exception {
        while (true) {
            InputAction inputs = b.getAction(InputAction.class);
            InputStepExecution input = inputs == null ? null : inputs.getExecution(INPUT_ID);
            if (input != null && !input.isSettled()) {
                return input;
            }
            Thread.sleep(100);
        }
    }

    static void proceed(WorkflowRun b, String user) throws Exception {
        InputStepExecution input = waitForInput(b);
        try (ACLContext ignored = ACL.as(User.getById(user, true))) {
            input.doProceedEmpty();
        }
    }
}
