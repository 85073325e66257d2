package io.jenkins.plugins.mmdeploy.preflight;

import io.jenkins.plugins.mmdeploy.MindMirrorJenkinsFixture;
import hudson.model.Result;
import java.util.Map;
import org.jenkinsci.plugins.workflow.cps.CpsFlowDefinition;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.jenkinsci.plugins.workflow.job.WorkflowRun;
import org.junit.jupiter.api.Test;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

/** mmPreflight in a real Pipeline (runs with -Pjenkins; written against the real API, not run on the offline machine). */
@WithJenkins
class PreflightStepJenkinsTest {

    @Test
    void isolatedExamplePassesAndReturnsAPlainMap(JenkinsRule r) throws Exception {
        WorkflowJob p = r.createProject(WorkflowJob.class, "p");
        MindMirrorJenkinsFixture.checkout(r, p, Map.of());
        p.setDefinition(new CpsFlowDefinition(
                "node { def pre = mmPreflight environment: 'staging'\n"
                        + "echo \"env=${pre.environment} violations=${pre.violations.size()}\" }", true));

        WorkflowRun b = r.buildAndAssertSuccess(p);

        r.assertLogContains("env=staging violations=0", b);
        r.assertLogContains("staging may deploy", b);
    }

    @Test
    void sharedRegistryFailsTheBuildBeforeAnythingChanges(JenkinsRule r) throws Exception {
        WorkflowJob p = r.createProject(WorkflowJob.class, "p");
        MindMirrorJenkinsFixture.checkout(r, p, Map.of(
                "registry: us-east4-docker.pkg.dev/mindmirror-69/mindmirror",
                "registry: us-east4-docker.pkg.dev/mindmirror-staging/mindmirror"));
        p.setDefinition(new CpsFlowDefinition("node { mmPreflight environment: 'production'\necho 'deploying' }", true));

        WorkflowRun b = r.buildAndAssertStatus(Result.FAILURE, p);

        r.assertLogContains("mindmirror-staging", b);
        r.assertLogNotContains("deploying", b);
        r.assertLogNotContains("\tat io.mmdeploy", b); // a diagnostic, not a stack trace
    }

    @Test
    void misspeltEnvironmentIsNamedWithASuggestion(JenkinsRule r) throws Exception {
        WorkflowJob p = r.createProject(WorkflowJob.class, "p");
        MindMirrorJenkinsFixture.checkout(r, p, Map.of());
        p.setDefinition(new CpsFlowDefinition("node { mmPreflight environment: 'stagin' }", true));

        WorkflowRun b = r.buildAndAssertStatus(Result.FAILURE, p);

        r.assertLogContains("Unknown environment \"stagin\"", b);
        r.assertLogContains("Did you mean \"staging\"?", b);
    }
}
