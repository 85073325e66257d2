package io.jenkins.plugins.mmdeploy.host;

import static org.assertj.core.api.Assertions.assertThat;

import io.mmdeploy.engine.config.ApprovalPolicy;
import io.mmdeploy.engine.config.ApprovalPolicy.Gate;
import io.mmdeploy.engine.config.EnvironmentSpec;
import io.mmdeploy.engine.health.HealthReport;
import io.mmdeploy.engine.smoke.SmokeReport;
import io.mmdeploy.engine.smoke.SmokeResult;
import io.mmdeploy.engine.health.HealthResult;
import io.mmdeploy.engine.images.ImageRef;
import io.mmdeploy.engine.release.ReleaseRecord;
import io.mmdeploy.engine.release.ReleaseRecord.MigrationRun;
import io.mmdeploy.engine.release.RollbackPlan;
import io.mmdeploy.engine.steps.AliasResult;
import io.mmdeploy.engine.steps.GatewayResult;
import io.mmdeploy.engine.steps.ImagesResult;
import io.mmdeploy.engine.steps.MigrationsResult;
import io.mmdeploy.engine.steps.PreflightResult;
import io.mmdeploy.engine.steps.ReleaseResult;
import io.mmdeploy.engine.steps.RollbackOutcome;
import io.mmdeploy.engine.steps.TofuResult;
import io.mmdeploy.engine.steps.UrlsResult;
import java.time.Duration;
import java.time.Instant;
import io.mmdeploy.engine.steps.ScanResult;
import io.mmdeploy.engine.vulnerabilities.ImageScan;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The maps the shared library reads (docs/STEPS.md): every key it uses, built from the engine's typed results. */
class StepMapsTest {
    static final ImageRef AGENT = new ImageRef("agent", "r/agent-service", List.of("staging-abc1234", "staging-latest"), "sha256:aa", true);
    static final HealthReport HEALTHY = new HealthReport(List.of(new HealthResult("mesh", "https://mesh", true, 1, 200, 12, null)));

    @Test
    void preflightGivesThePolicyAsTheLibraryReadsIt() {
        ApprovalPolicy policy = new ApprovalPolicy(Set.of(Gate.GATEWAY, Gate.SERVICES), List.of("release-managers"), Duration.ofMinutes(30), true);
        Map<String, Object> map = StepMaps.of(new PreflightResult("production", "r1", policy, "production-latest", false, List.of("Preflight")), "");

        assertThat(map.keySet()).containsExactly("environment", "violations", "release", "approval", "alias", "resumed", "phases");
        assertThat(map.get("approval")).isEqualTo(Map.of("gates", List.of("services", "gateway"), "timeoutMinutes", 30,
                "submitters", List.of("release-managers"), "fourEyes", true));
        assertThat(StepMaps.of(new PreflightResult("staging", "r2", ApprovalPolicy.none(), "staging-latest", true, List.of()), ""))
                .extractingByKey("approval").asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
                .containsEntry("gates", List.of()).containsEntry("timeoutMinutes", 60);
    }

    @Test
    void imagesAreKeyedByServiceWithTheirReferenceByDigest() {
        Map<String, Object> map = StepMaps.of(new ImagesResult(List.of(AGENT)), "");

        assertThat(map).containsEntry("built", 1L).containsEntry("reused", 0L);
        assertThat(map.get("images")).isEqualTo(Map.of("agent", Map.of("image", "r/agent-service", "tag", "staging-abc1234",
                "tags", List.of("staging-abc1234", "staging-latest"), "digest", "sha256:aa", "ref", "r/agent-service@sha256:aa", "built", true)));
    }

    @Test
    void aPromotedImageSaysWhereFromAndTheScanGivesCountsPerImage() {
        ImageRef promoted = new ImageRef("agent", "r/agent-service", List.of("main-abc1234"), "sha256:aa", false,
                new ImageRef.PromotedFrom("staging", "20261130-120000-abc1234", "s/agent-service"));
        Map<?, ?> image = (Map<?, ?>) ((Map<?, ?>) StepMaps.of(new ImagesResult(List.of(promoted)), "").get("images")).get("agent");
        assertThat(image.get("promotedFrom")).isEqualTo("promoted from staging release 20261130-120000-abc1234");

        ScanResult scan = new ScanResult(List.of(new ImageScan("agent", "r/agent-service@sha256:aa", ImageScan.FINISHED,
                Map.of("CRITICAL", 0, "HIGH", 2), List.of(), List.of())));
        Map<String, Object> map = StepMaps.of(scan, "");
        assertThat(map).containsEntry("blocking", 0L).containsEntry("summary", "1 image(s) scanned, nothing blocking");
        assertThat(map.get("images")).isEqualTo(Map.of("agent", Map.of("ref", "r/agent-service@sha256:aa", "scan", "FINISHED",
                "counts", Map.of("CRITICAL", 0, "HIGH", 2))));
    }

    @Test
    void migrationsTofuUrlsHealthRollbackAndAliasKeepTheirKeys() {
        assertThat(StepMaps.of(new MigrationsResult(List.of(new MigrationRun("migrate-main", "e1", "SUCCEEDED", "r@sha256:aa")), false), ""))
                .containsEntry("result", "SUCCEEDED").containsEntry("skipped", false)
                .containsEntry("executions", List.of(Map.of("job", "migrate-main", "execution", "e1", "result", "SUCCEEDED", "image", "r@sha256:aa")));
        TofuResult plan = new TofuResult("h1", "1 to change", Map.of("update", 1), true, false, false, List.of("agent: a -> b"), Map.of());
        assertThat(StepMaps.of(plan, "").keySet())
                .containsExactly("planHash", "summaryText", "counts", "changed", "applied", "outputs", "imageChanges", "skipped");
        assertThat(StepMaps.of(new UrlsResult(Map.of("agent", "https://a"), "v3"), ""))
                .containsEntry("urls", Map.of("agent", "https://a")).containsEntry("secret", "v3");
        assertThat(StepMaps.of(HEALTHY, "")).containsEntry("healthy", true).containsEntry("results",
                Map.of("mesh", Map.of("healthy", true, "attempts", 1, "status", 200, "millis", 12L, "url", "https://mesh")));
        RollbackPlan.Move move = new RollbackPlan.Move("agent", "agent-service", false, "agent-2=100", "agent-1", null);
        ReleaseRecord rollback = record("20261202-050000-rollback");
        assertThat(StepMaps.of(new RollbackOutcome(List.of(move), true, rollback), ""))
                .containsEntry("moved", Map.of("agent", Map.of("from", "agent-2=100", "to", "agent-1")))
                .containsEntry("healthy", true).containsEntry("release", "20261202-050000-rollback");
        assertThat(StepMaps.of(new AliasResult("staging-latest", Map.of("agent", "r@sha256:aa")), ""))
                .containsEntry("alias", "staging-latest").containsEntry("images", Map.of("agent", "r@sha256:aa"));
    }

    @Test
    void smokeTestsGiveEachResultAsAListAndWhetherAllPassed() {
        SmokeReport report = new SmokeReport(List.of(
                new SmokeResult("mesh", "federates", "POST", "/graphql", false, 200, 31, "/errors is present: [1]"),
                new SmokeResult("agent", "root", "GET", "/", true, 200, 4, "")));

        Map<String, Object> map = StepMaps.of(report, "");

        assertThat(map.keySet()).containsExactly("passed", "results");
        assertThat(map).containsEntry("passed", false);
        assertThat(map.get("results")).isEqualTo(List.of(
                Map.of("target", "mesh", "name", "federates", "method", "POST", "path", "/graphql", "passed", false, "status", 200,
                        "millis", 31L, "detail", "/errors is present: [1]"),
                Map.of("target", "agent", "name", "root", "method", "GET", "path", "/", "passed", true, "status", 200, "millis", 4L,
                        "detail", "")));
    }

    @Test
    void theGatewaysBuildHasOnlyItsImageAndAnApplyAddsPlanAndHealth() {
        assertThat(StepMaps.of(new GatewayResult(AGENT, 7, null, null), "").keySet()).containsExactly("image", "urlsUsed");
        TofuResult applied = new TofuResult("h2", "applied", Map.of(), true, true, false, List.of(), Map.of());
        Map<String, Object> map = StepMaps.of(new GatewayResult(AGENT, 7, applied, HEALTHY), "");
        assertThat(map).containsEntry("planHash", "h2").containsEntry("applied", true).containsEntry("urlsUsed", 7);
        assertThat(map.get("health")).isEqualTo(StepMaps.of(HEALTHY, ""));
    }

    @Test
    void theRecordPathIsGivenFromTheWorkspaceAndIsNullWhenNothingWasStored() {
        assertThat(StepMaps.of(new ReleaseResult("r1", record("r1")), "apps/mm")).containsEntry("release", "r1")
                .containsEntry("record", "apps/mm/mm-release.json");
        assertThat(StepMaps.of(new ReleaseResult("r1", record("r1")), "")).containsEntry("record", "mm-release.json");
        assertThat(StepMaps.of(new ReleaseResult("r2", null), "")).containsEntry("release", "r2").containsEntry("record", null);
    }

    private static ReleaseRecord record(String id) {
        EnvironmentSpec env = new EnvironmentSpec("staging", "staging", "p-staging", null, "us-east4", null, null, null, null, null, null,
                ApprovalPolicy.none());
        return ReleaseRecord.started(id, ReleaseRecord.Kind.ROLLBACK, env, null, Instant.parse("2026-12-02T05:00:00Z"));
    }

    @Test
    void anOpenedGateGivesWhatTheLibraryPassesToTheWait() {
        assertThat(StepMaps.gate("services", "sha256:ab", "Plan: 1 to change", false))
                .containsExactly(Map.entry("phase", "services"), Map.entry("planHash", "sha256:ab"),
                        Map.entry("summaryText", "Plan: 1 to change"), Map.entry("automatic", false));
        assertThat(StepMaps.gate("rollback", null, "Roll back?", true)).containsEntry("planHash", null).containsEntry("automatic", true);
    }
}
