package io.jenkins.plugins.mmdeploy.release;

import static org.assertj.core.api.Assertions.assertThat;

import io.mmdeploy.engine.approval.RecordedApproval;
import io.mmdeploy.engine.config.ApprovalPolicy;
import io.mmdeploy.engine.config.ApprovalPolicy.Gate;
import io.mmdeploy.engine.config.EnvironmentSpec;
import io.mmdeploy.engine.config.RegistryPath;
import io.mmdeploy.engine.config.TagScheme;
import io.mmdeploy.engine.config.TofuSpec;
import io.mmdeploy.engine.release.ReleaseJson;
import io.mmdeploy.engine.release.ReleaseRecord;
import io.mmdeploy.engine.release.ReleaseRecord.ImageRecord;
import io.mmdeploy.engine.release.ReleaseRecord.Kind;
import io.mmdeploy.engine.release.ReleaseRecord.Outcome;
import io.mmdeploy.engine.release.ReleaseRecord.ServiceRelease;
import io.mmdeploy.engine.tofu.PlanSummary;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DeploymentPageTest {
    static final Instant START = Instant.parse("2026-11-22T05:00:00Z");
    static final EnvironmentSpec PRODUCTION = new EnvironmentSpec("production", "main", "mindmirror-69", "3858903851", "us-east4",
            RegistryPath.parse("us-east4-docker.pkg.dev/mindmirror-69/mindmirror").orElseThrow(), null,
            new TofuSpec("infra", List.of("infra/environments/production.auto.tfvars"), null), "service-urls-production", "",
            TagScheme.defaults(), ApprovalPolicy.none());
    static final String REPO = "us-east4-docker.pkg.dev/mindmirror-69/mindmirror/";
    static final String HASH = "sha256:" + "c".repeat(64);

    /** A finished record as the engine builds it, with the given URL for the agent service. */
    static ReleaseRecord record(Outcome outcome, String agentUrl) {
        PlanSummary summary = new PlanSummary("production", null, ".mm-deploy/production.tfplan", HASH, true, "1.11.4",
                Map.of("create", 0, "update", 1, "delete", 1), List.of(
                        new PlanSummary.ResourceChange("google_cloud_run_v2_service.agent", PlanSummary.Action.UPDATE, ""),
                        new PlanSummary.ResourceChange("google_cloud_run_v2_job.old<script>", PlanSummary.Action.DELETE, "")),
                List.of(), Map.of());
        return ReleaseRecord.started("20261122-050000-abc1234", Kind.DEPLOY, PRODUCTION, null, START)
                .withServing(List.of(new ServiceRelease("agent", "agent-service", new ImageRecord(REPO + "agent-service", "main-abc1234", "sha256:aa11"),
                                "agent-service-00012-abc", agentUrl)),
                        new ServiceRelease("mesh", "mesh-gateway", new ImageRecord(REPO + "mesh-gateway", "main-abc1234", "sha256:bb22"), null, null))
                .withEvidence(List.of(ReleaseRecord.PlanRecord.of("services", summary)),
                        List.of(new ReleaseRecord.Approval("services", "mallory-from-the-record", START.plusSeconds(600))), List.of())
                .finished(outcome, START.plusSeconds(900));
    }

    static final RecordedApproval CAROL = new RecordedApproval("production", Gate.SERVICES, HASH, "carol", START.plusSeconds(600));

    @Test
    void showsTheRecordWithTheApprovalsRecordedOnTheBuild() {
        DeploymentPage page = DeploymentPage.of(ReleaseJson.pretty(record(Outcome.succeeded(), "https://agent-service-555.us-east4.run.app")),
                List.of(CAROL));

        assertThat(page.readable()).isTrue();
        assertThat(page.problem()).isEmpty();
        assertThat(page.environment()).isEqualTo("production");
        assertThat(page.release()).isEqualTo("20261122-050000-abc1234");
        assertThat(page.kind()).isEqualTo("deploy");
        assertThat(page.result()).isEqualTo("SUCCEEDED");
        assertThat(page.failedPhase()).isEmpty();
        assertThat(page.services()).containsExactly(
                new DeploymentPage.ServiceRow("agent", REPO + "agent-service", "sha256:aa11", "agent-service-00012-abc",
                        "https://agent-service-555.us-east4.run.app", "https://agent-service-555.us-east4.run.app"),
                new DeploymentPage.ServiceRow("mesh", REPO + "mesh-gateway", "sha256:bb22", "", "", ""));
        // The approvals are the build's, not the record's (a record is only as good as whoever wrote it).
        assertThat(page.approvals()).containsExactly(
                new DeploymentPage.ApprovalRow("production", "services", HASH, "carol", "2026-11-22T05:10:00Z"));
    }

    @Test
    void aPlanSummaryIsTheTextTheApproverSaw() {
        DeploymentPage page = DeploymentPage.of(ReleaseJson.pretty(record(Outcome.succeeded(), null)), List.of());

        assertThat(page.plans()).hasSize(1);
        DeploymentPage.PlanRow plan = page.plans().get(0);
        assertThat(plan.phase()).isEqualTo("services");
        assertThat(plan.hash()).isEqualTo(HASH);
        // Plain text with its line breaks (the view shows it in <pre>, escaped): the tofu stage's own rendering.
        assertThat(plan.summary()).startsWith("Plan for production: 0 to create, 1 to update, 0 to replace, 1 to delete")
                .contains("\n!! 1 resource(s) will be DESTROYED:\n!!   - google_cloud_run_v2_job.old<script>\n")
                .contains("\nUpdate:\n  ~ google_cloud_run_v2_service.agent\n")
                .endsWith("Plan file .mm-deploy/production.tfplan, sha256 " + HASH);
    }

    @Test
    void aSummaryThatIsNotATofuSummaryIsShownAsItsJson() {
        ReleaseRecord r = ReleaseRecord.started("20261122-050000-abc1234", Kind.DEPLOY, PRODUCTION, null, START)
                .withEvidence(List.of(new ReleaseRecord.PlanRecord("gateway", ReleaseJson.tree("{\"counts\":{\"update\":2}}"), "h1")),
                        List.of(), List.of())
                .finished(Outcome.succeeded(), START.plusSeconds(60));

        DeploymentPage.PlanRow plan = DeploymentPage.of(ReleaseJson.pretty(r), List.of()).plans().get(0);

        assertThat(plan.summary()).contains("\"counts\"").contains("\"update\" : 2");
    }

    @Test
    void linksOnlyHttpsUrls() {
        DeploymentPage page = DeploymentPage.of(ReleaseJson.pretty(record(Outcome.succeeded(), "javascript:alert(document.cookie)")), List.of());

        DeploymentPage.ServiceRow agent = page.services().get(0);
        assertThat(agent.url()).isEqualTo("javascript:alert(document.cookie)"); // shown as (escaped) text
        assertThat(agent.link()).isEmpty();

        assertThat(DeploymentPage.httpsLink("https://agent-service-555.us-east4.run.app/healthz")).isEqualTo("https://agent-service-555.us-east4.run.app/healthz");
        assertThat(DeploymentPage.httpsLink("HTTPS://agent.run.app")).isEqualTo("HTTPS://agent.run.app");
        assertThat(DeploymentPage.httpsLink("JavaScript:alert(1)")).isEmpty();
        assertThat(DeploymentPage.httpsLink(" javascript:alert(1)")).isEmpty();
        assertThat(DeploymentPage.httpsLink("java\tscript:alert(1)")).isEmpty();
        assertThat(DeploymentPage.httpsLink("data:text/html,<script>alert(1)</script>")).isEmpty();
        assertThat(DeploymentPage.httpsLink("vbscript:msgbox(1)")).isEmpty();
        assertThat(DeploymentPage.httpsLink("http://agent.run.app")).isEmpty();
        assertThat(DeploymentPage.httpsLink("//evil.example/x")).isEmpty();
        assertThat(DeploymentPage.httpsLink("/relative/path")).isEmpty();
        assertThat(DeploymentPage.httpsLink("https:/no-host")).isEmpty();
        assertThat(DeploymentPage.httpsLink("https://")).isEmpty();
        assertThat(DeploymentPage.httpsLink("https://a b")).isEmpty();
        assertThat(DeploymentPage.httpsLink("")).isEmpty();
        assertThat(DeploymentPage.httpsLink(null)).isEmpty();
    }

    @Test
    void aFailedRunShowsWhereItFailed() {
        DeploymentPage page = DeploymentPage.of(ReleaseJson.pretty(record(Outcome.failed("Migrations", "The pipeline stage Migrations failed."), null)),
                List.of());

        assertThat(page.result()).isEqualTo("FAILED");
        assertThat(page.failedPhase()).isEqualTo("Migrations");
    }

    @Test
    void anUnreadableRecordGivesAPageThatSaysSoAndStillListsTheApprovals() {
        for (String junk : new String[] {"{oops", "[1,2]", "{\"environment\":\"staging\"}", "{\"schemaVersion\":1}", "", null,
                "{\"schemaVersion\":99,\"id\":\"x\"}"}) {
            DeploymentPage page = DeploymentPage.of(junk, List.of(CAROL));

            assertThat(page.readable()).as(junk).isFalse();
            assertThat(page.problem()).as(junk).startsWith("Release record of this build");
            assertThat(page.services()).as(junk).isEmpty();
            assertThat(page.plans()).as(junk).isEmpty();
            assertThat(page.environment()).as(junk).isEmpty();
            assertThat(page.approvals()).as(junk).extracting(DeploymentPage.ApprovalRow::approver).containsExactly("carol");
        }
    }
}
