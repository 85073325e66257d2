package io.jenkins.plugins.mmdeploy.approval;

import static org.assertj.core.api.Assertions.assertThat;

import hudson.model.Cause;
import hudson.model.CauseAction;
import hudson.model.Item;
import hudson.model.Result;
import io.jenkins.plugins.mmdeploy.MindMirrorJenkinsFixture;
import jenkins.model.Jenkins;
import org.jenkinsci.plugins.workflow.cps.CpsFlowDefinition;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.jenkinsci.plugins.workflow.job.WorkflowRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.MockAuthorizationStrategy;
import org.jvnet.hudson.test.junit.jupiter.JenkinsSessionExtension;

/**
 * A gate across controller restarts: waiting through one, and answered just before one (the answer is on the build
 * before the waiting step hears of it). Runs with -Pjenkins only; not compiled or run on the offline machine.
 */
class ApprovalGateRestartJenkinsTest {
    @RegisterExtension
    private final JenkinsSessionExtension sessions = new JenkinsSessionExtension();

    private static WorkflowRun start(JenkinsRule r) throws Exception {
        r.jenkins.setSecurityRealm(r.createDummySecurityRealm());
        r.jenkins.setAuthorizationStrategy(new MockAuthorizationStrategy()
                .grant(Jenkins.READ, Item.READ, Item.BUILD).everywhere().to("alice", "bob"));
        WorkflowJob p = r.createProject(WorkflowJob.class, "p");
        MindMirrorJenkinsFixture.checkout(r, p, ApprovalGateStepJenkinsTest.ALICE_AND_BOB);
        p.setDefinition(new CpsFlowDefinition(ApprovalGateStepJenkinsTest.SCRIPT, true));
        WorkflowRun b = p.scheduleBuild2(0, new CauseAction(new Cause.UserIdCause("alice"))).waitForStart();
        ApprovalGateStepJenkinsTest.waitForOpenGate(b);
        return b;
    }

    private static WorkflowRun build(JenkinsRule r) {
        return r.jenkins.getItemByFullName("p", WorkflowJob.class).getBuildByNumber(1);
    }

    @Test
    void aGateWaitsThroughARestartAndFourEyesStillHolds() throws Throwable {
        sessions.then(ApprovalGateRestartJenkinsTest::start);
        sessions.then(r -> {
            WorkflowRun b = build(r);
            assertThat(ApprovalGateStepJenkinsTest.answer(b, "alice", true)).isFalse();
            assertThat(ApprovalGateStepJenkinsTest.answer(b, "bob", true)).isTrue();
            r.assertBuildStatusSuccess(r.waitForCompletion(b));
            r.assertLogContains("approver=bob", b);
        });
    }

    @Test
    void anAnswerGivenJustBeforeTheRestartIsFoundAfterIt() throws Throwable {
        sessions.then(r -> {
            WorkflowRun b = start(r);
            // Recorded on the build and saved, as doApprove does, without waking the step: the restart comes first.
            GateRequest gate = ApprovalGateStepJenkinsTest.waitForOpenGate(b);
            assertThat(gate.settle(GateRequest.APPROVED, "bob", java.time.Instant.now())).isTrue();
            b.save();
        });
        sessions.then(r -> {
            WorkflowRun b = build(r);
            r.assertBuildStatusSuccess(r.waitForCompletion(b));
            r.assertLogContains("approver=bob", b);
        });
    }

    @Test
    void aRejectionJustBeforeTheRestartAbortsAfterIt() throws Throwable {
        sessions.then(r -> {
            WorkflowRun b = start(r);
            GateRequest gate = ApprovalGateStepJenkinsTest.waitForOpenGate(b);
            assertThat(gate.settle(GateRequest.REJECTED, "bob", java.time.Instant.now())).isTrue();
            b.save();
        });
        sessions.then(r -> r.assertBuildStatus(Result.ABORTED, r.waitForCompletion(build(r))));
    }
}
