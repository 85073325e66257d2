package io.jenkins.plugins.mmdeploy.approval;

import hudson.model.Cause;
import hudson.model.CauseAction;
import hudson.model.Item;
import io.jenkins.plugins.mmdeploy.MindMirrorJenkinsFixture;
import jenkins.model.Jenkins;
import org.jenkinsci.plugins.workflow.cps.CpsFlowDefinition;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.jenkinsci.plugins.workflow.job.WorkflowRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.jvnet.hudson.test.MockAuthorizationStrategy;
import org.jvnet.hudson.test.junit.jupiter.JenkinsSessionExtension;

/** A gate that waits across a controller restart (runs with -Pjenkins; not run on the offline machine). */
class ApprovalGateRestartJenkinsTest {
    @RegisterExtension
    private final JenkinsSessionExtension sessions = new JenkinsSessionExtension();

    @Test
    void gateSurvivesARestartAndIsApprovedAfterIt() throws Throwable {
        sessions.then(r -> {
            r.jenkins.setSecurityRealm(r.createDummySecurityRealm());
            r.jenkins.setAuthorizationStrategy(new MockAuthorizationStrategy()
                    .grant(Jenkins.READ, Item.READ, Item.BUILD).everywhere().to("alice", "bob"));
            WorkflowJob p = r.createProject(WorkflowJob.class, "p");
            MindMirrorJenkinsFixture.checkout(r, p, ApprovalGateStepJenkinsTest.ALICE_AND_BOB);
            p.setDefinition(new CpsFlowDefinition(ApprovalGateStepJenkinsTest.SCRIPT, true));
            WorkflowRun b = p.scheduleBuild2(0, new CauseAction(new Cause.UserIdCause("alice"))).waitForStart();
            r.waitForMessage("for approval of the services deploy to production", b);
            ApprovalGateStepJenkinsTest.waitForInput(b);
        });
        sessions.then(r -> {
            WorkflowRun b = r.jenkins.getItemByFullName("p", WorkflowJob.class).getBuildByNumber(1);
            // After the restart the gate re-registers its input; the starter is still refused.
            ApprovalGateStepJenkinsTest.proceed(b, "alice");
            r.waitForMessage("alice started this deploy and cannot also approve it", b);
            ApprovalGateStepJenkinsTest.proceed(b, "bob");
            r.assertBuildStatusSuccess(r.waitForCompletion(b));
            r.assertLogContains("approver=bob", b);
        });
    }
}
