package io.jenkins.plugins.mmdeploy;

import hudson.FilePath;
import java.io.File;
import java.util.Map;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.jvnet.hudson.test.JenkinsRule;

/** The bundled MindMirror example (examples/mindmirror) as the checked-out app repository of a test job. */
public final class MindMirrorJenkinsFixture {
    /** The example, seen from the plugin module (Maven runs tests in the module directory). */
    public static final File EXAMPLE = new File("../examples/mindmirror");

    private MindMirrorJenkinsFixture() {}

    /**
     * Copies the example into the job's workspace on the built-in node, with {@code edits} (text → replacement)
     * applied to its mm-deploy.yaml, and returns the workspace.
     */
    public static FilePath checkout(JenkinsRule r, WorkflowJob job, Map<String, String> edits) throws Exception {
        FilePath workspace = r.jenkins.getWorkspaceFor(job);
        workspace.mkdirs();
        new FilePath(EXAMPLE).copyRecursiveTo(workspace);
        FilePath config = workspace.child("mm-deploy.yaml");
        String text = config.readToString();
        for (Map.Entry<String, String> edit : edits.entrySet()) {
            if (!text.contains(edit.getKey())) {
                throw new IllegalStateException("the example's mm-deploy.yaml no longer contains: " + edit.getKey());
            }
            text = text.replace(edit.getKey(), edit.getValue());
        }
        config.write(text, "UTF-8");
        return workspace;
    }
}
