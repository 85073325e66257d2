package io.jenkins.plugins.mmdeploy.release;

import com.fasterxml.jackson.databind.JsonNode;
import io.mmdeploy.engine.approval.RecordedApproval;
import io.mmdeploy.engine.diagnostics.DeployException;
import io.mmdeploy.engine.release.ReleaseJson;
import io.mmdeploy.engine.release.ReleaseRecord;
import io.mmdeploy.engine.tofu.PlanSummary;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;

/**
 * What the "Deployment" page of a build shows, as plain rows: the release record the engine handed over, and the
 * approvals the gate recorded on the build. Nothing here can throw while a page renders: a record that does not
 * read (a build saved by another version, a damaged build.xml) gives a page that says so, with the approvals still
 * listed. Only {@code https:} URLs become links; the views escape every value.
 *
 * @param problem why the record could not be read; empty when it was
 */
public record DeploymentPage(
        String problem,
        String environment,
        String release,
        String kind,
        String result,
        String failedPhase,
        List<ServiceRow> services,
        List<PlanRow> plans,
        List<ApprovalRow> approvals) {

    /**
     * @param link the URL when it is an {@code https:} URL with a host, else empty (the page shows it as text)
     */
    public record ServiceRow(String name, String image, String digest, String revision, String url, String link) {}

    /** An applied plan: its phase, hash and the plan summary as the approver saw it (plain text, shown preformatted). */
    public record PlanRow(String phase, String hash, String summary) {}

    /** An approval as the gate recorded it on the build (never as a pipeline or a workspace file reports it). */
    public record ApprovalRow(String environment, String gate, String planHash, String approver, String approvedAt) {}

    /** The page of a record in its JSON form (what the action keeps in build.xml), with the build's approvals. */
    public static DeploymentPage of(String recordJson, List<RecordedApproval> recorded) {
        List<ApprovalRow> approvals = recorded.stream()
                .map(a -> new ApprovalRow(a.environment(), a.gate().id(), a.planHash(), a.approver(), a.at().toString()))
                .toList();
        ReleaseRecord record;
        try {
            record = ReleaseJson.read(recordJson == null ? "" : recordJson, "of this build");
        } catch (DeployException e) {
            return unreadable(e.diagnostics().get(0).summary(), approvals);
        }
        try {
            return new DeploymentPage("", record.environment(), record.id(), record.kind().name().toLowerCase(Locale.ROOT),
                    record.outcome().status().name(), record.outcome().failedPhase() == null ? "" : record.outcome().failedPhase(),
                    record.serving().stream().map(DeploymentPage::serviceRow).toList(),
                    record.plans().stream().map(p -> new PlanRow(p.phase(), nonNull(p.hash()), summaryText(p.summary()))).toList(),
                    approvals);
        } catch (RuntimeException e) {
            // A record that parsed but lacks a part the page needs (hand-edited, or from a future minor version).
            return unreadable("Release record of this build is incomplete", approvals);
        }
    }

    private static DeploymentPage unreadable(String why, List<ApprovalRow> approvals) {
        return new DeploymentPage(why, "", "", "", "", "", List.of(), List.of(), approvals);
    }

    public boolean readable() {
        return problem.isEmpty();
    }

    /** The URL itself when it is {@code https:} with a host; empty for anything else ({@code javascript:}, {@code http:}, junk). */
    static String httpsLink(String url) {
        if (url == null || url.isEmpty()) {
            return "";
        }
        try {
            URI uri = new URI(url);
            return "https".equalsIgnoreCase(uri.getScheme()) && uri.getHost() != null && !uri.getHost().isEmpty() ? url : "";
        } catch (URISyntaxException e) {
            return "";
        }
    }

    private static ServiceRow serviceRow(ReleaseRecord.ServiceRelease s) {
        String url = nonNull(s.url());
        return new ServiceRow(s.name(), s.image() == null ? "" : nonNull(s.image().repository()),
                s.image() == null ? "" : nonNull(s.image().digest()), nonNull(s.revision()), url, httpsLink(url));
    }

    /** The tofu stage's own text rendering when the summary is one of its summaries, else the summary's JSON. */
    private static String summaryText(JsonNode summary) {
        if (summary == null || summary.isNull()) {
            return "";
        }
        try {
            return PlanSummary.fromJson(summary.toString()).renderText(Integer.MAX_VALUE);
        } catch (RuntimeException e) {
            return ReleaseJson.pretty(summary);
        }
    }

    private static String nonNull(String s) {
        return s == null ? "" : s;
    }
}
