package io.jenkins.plugins.mmdeploy.release;

import hudson.model.Run;
import io.jenkins.plugins.mmdeploy.approval.GateApprovals;
import io.mmdeploy.engine.release.ReleaseJson;
import io.mmdeploy.engine.release.ReleaseRecord;
import java.util.List;
import jenkins.model.RunAction2;

/**
 * "Deployment" on the build page: the release record the engine returned to mmRelease finish (environment, release id,
 * each service's image digest, revision and URL, the applied plans with their summaries, outcome) and the approvals
 * the gate recorded on this build ({@link GateApprovals}). It is built from the engine's record in memory, never from
 * a workspace file the pipeline could have written, and keeps it as JSON in build.xml; the views read
 * {@link #getPage()}, which never throws.
 */
public final class DeploymentAction implements RunAction2 {
    private final String record;
    private transient Run<?, ?> run;

    private DeploymentAction(String record) {
        this.record = record;
    }

    /** The action for the record the engine finished the release with. */
    public static DeploymentAction of(ReleaseRecord record) {
        return new DeploymentAction(ReleaseJson.pretty(record));
    }

    /** The page's rows: from the kept record and the build's recorded approvals, read afresh for each view. */
    public DeploymentPage getPage() {
        return DeploymentPage.of(record, run == null ? List.of() : GateApprovals.recorded(run));
    }

    public Run<?, ?> getRun() {
        return run;
    }

    @Override
    public String getIconFileName() {
        return "clipboard.png";
    }

    @Override
    public String getDisplayName() {
        return "Deployment";
    }

    @Override
    public String getUrlName() {
        return "deployment";
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
