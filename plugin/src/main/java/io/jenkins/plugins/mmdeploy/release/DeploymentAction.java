package io.jenkins.plugins.mmdeploy.release;

import com.fasterxml.jackson.databind.JsonNode;
import hudson.model.Run;
import io.mmdeploy.engine.release.ReleaseJson;
import io.mmdeploy.engine.release.ReleaseRecord;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jenkins.model.RunAction2;

/**
 * "Deployment" on the build page: the release record of this build (environment, release id, each service's image
 * digest, revision and URL, the applied plans, approvals, outcome). The action keeps the record exactly as the engine
 * wrote it ({@code mm-release.json}, the engine's {@link ReleaseRecord}); the views read it through the getters below.
 */
public final class DeploymentAction implements RunAction2 {
    public static final String FILE_NAME = io.mmdeploy.engine.steps.DeploySteps.RECORD_FILE;

    private final String record;
    private transient ReleaseRecord parsed;
    private transient Run<?, ?> run;

    /** @throws io.mmdeploy.engine.diagnostics.DeployException when {@code record} is not a release record */
    public DeploymentAction(String record) {
        this.record = record;
        this.parsed = ReleaseJson.read(record, FILE_NAME);
    }

    /** A service's (or the gateway's) row on the page. */
    public record ServiceRow(String name, String image, String digest, String revision, String url) {}

    /** An applied plan's row: counts by kind of change, in the engine's order. */
    public record PlanRow(String phase, String hash, Map<String, Long> counts) {}

    /** An approval's row on the page. */
    public record ApprovalRow(String phase, String approver, String approvedAt) {}

    public String getRecord() {
        return record;
    }

    public String getEnvironment() {
        return release().environment();
    }

    public String getRelease() {
        return release().id();
    }

    public String getKind() {
        return release().kind().name().toLowerCase(java.util.Locale.ROOT);
    }

    public String getResult() {
        return release().outcome().status().name();
    }

    public String getFailedPhase() {
        String phase = release().outcome().failedPhase();
        return phase == null ? "" : phase;
    }

    public List<ServiceRow> getServices() {
        List<ServiceRow> rows = new ArrayList<>();
        for (ReleaseRecord.ServiceRelease s : release().serving()) {
            rows.add(new ServiceRow(s.name(), s.image() == null ? "" : s.image().repository(), s.image() == null ? "" : s.image().digest(),
                    s.revision() == null ? "" : s.revision(), s.url() == null ? "" : s.url()));
        }
        return rows;
    }

    public List<PlanRow> getPlans() {
        List<PlanRow> rows = new ArrayList<>();
        for (ReleaseRecord.PlanRecord plan : release().plans()) {
            Map<String, Long> counts = new LinkedHashMap<>();
            JsonNode summary = plan.summary() == null ? null : plan.summary().path("counts");
            if (summary != null) {
                for (Iterator<Map.Entry<String, JsonNode>> it = summary.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    counts.put(e.getKey(), e.getValue().asLong());
                }
            }
            rows.add(new PlanRow(plan.phase(), plan.hash(), counts));
        }
        return rows;
    }

    public List<ApprovalRow> getApprovals() {
        List<ApprovalRow> rows = new ArrayList<>();
        for (ReleaseRecord.Approval a : release().approvals()) {
            rows.add(new ApprovalRow(a.phase(), a.approver(), a.at() == null ? "" : a.at().toString()));
        }
        return rows;
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

    private ReleaseRecord release() {
        if (parsed == null) {
            parsed = ReleaseJson.read(record, FILE_NAME); // after the build was loaded from disk
        }
        return parsed;
    }
}
