package io.jenkins.plugins.mmdeploy.environment;

import io.jenkins.plugins.mmdeploy.MindMirrorJenkinsFixture;
import java.util.Map;
import org.jenkinsci.plugins.workflow.cps.CpsFlowDefinition;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.jenkinsci.plugins.workflow.job.WorkflowRun;
import org.junit.jupiter.api.Test;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

/** mmEnvironmentFor in a real Pipeline (runs with -Pjenkins; written against the real API, not run on the offline machine). */
@WithJenkins
class EnvironmentForStepJenkinsTest {

    @Test
    void theBranchPicksItsEnvironmentAndThePipelineReadsThePlainMap(JenkinsRule r) throws Exception {
        WorkflowJob p = r.createProject(WorkflowJob.class, "p");
        MindMirrorJenkinsFixture.checkout(r, p, Map.of());
        p.setDefinition(new CpsFlowDefinition(
                "node { def main = mmEnvironmentFor branch: 'main'\n"
                        + "def none = mmEnvironmentFor()\n"
                        + "echo \"main=${main.environment} gated=${main.gated} none=${none.environment} gateway=${none.gateway}"
                        + " known=${none.known.keySet().join(',')}\" }", true));

        WorkflowRun b = r.buildAndAssertSuccess(p);

        r.assertLogContains("main=production gated=true none=null gateway=mesh known=staging,main", b);
    }
}
