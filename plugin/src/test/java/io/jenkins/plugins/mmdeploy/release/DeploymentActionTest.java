package io.jenkins.plugins.mmdeploy.release;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mmdeploy.engine.config.ApprovalPolicy;
import io.mmdeploy.engine.config.EnvironmentSpec;
import io.mmdeploy.engine.config.RegistryPath;
import io.mmdeploy.engine.config.TagScheme;
import io.mmdeploy.engine.config.TofuSpec;
import io.mmdeploy.engine.diagnostics.DeployException;
import io.mmdeploy.engine.release.ReleaseJson;
import io.mmdeploy.engine.release.ReleaseRecord;
import io.mmdeploy.engine.release.ReleaseRecord.ImageRecord;
import io.mmdeploy.engine.release.ReleaseRecord.Kind;
import io.mmdeploy.engine.release.ReleaseRecord.Outcome;
import io.mmdeploy.engine.release.ReleaseRecord.ServiceRelease;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DeploymentActionTest {
    private static final Instant START = Instant.parse("2026-11-22T05:00:00Z");
    private static final EnvironmentSpec PRODUCTION = new EnvironmentSpec("production", "main", "mindmirror-69", "3858903851", "us-east4",
            RegistryPath.parse("us-east4-docker.pkg.dev/mindmirror-69/mindmirror").orElseThrow(), null,
            new TofuSpec("infra", List.of("infra/environments/production.auto.tfvars"), null), "service-urls-production", "",
            TagScheme.defaults(), ApprovalPolicy.none());

    /** A record as the engine writes it to mm-release.json. */
    private static String record(Outcome outcome) {
        String repo = "us-east4-docker.pkg.dev/mindmirror-69/mindmirror/";
        ReleaseRecord record = ReleaseRecord.started("20261122-050000-abc1234", Kind.DEPLOY, PRODUCTION, null, START)
                .withServing(List.of(new ServiceRelease("agent", "agent-service", new ImageRecord(repo + "agent-service", "main-abc1234", "sha256:aa11"),
                                "agent-service-00012-abc", "https://agent-service-555.us-east4.run.app")),
                        new ServiceRelease("mesh", "mesh-gateway", new ImageRecord(repo + "mesh-gateway", "main-abc1234", "sha256:bb22"), null, null))
                .withEvidence(List.of(new ReleaseRecord.PlanRecord("services", ReleaseJson.tree("{\"counts\":{\"create\":0,\"update\":2}}"), "h1")),
                        List.of(new ReleaseRecord.Approval("services", "carol", START.plusSeconds(600))), List.of())
                .finished(outcome, START.plusSeconds(900));
        return ReleaseJson.pretty(record);
    }

    @Test
    void showsTheReleaseRecordAsTheEngineWroteIt() {
        String json = record(Outcome.succeeded());
        DeploymentAction action = new DeploymentAction(json);

        assertThat(action.getEnvironment()).isEqualTo("production");
        assertThat(action.getRelease()).isEqualTo("20261122-050000-abc1234");
        assertThat(action.getKind()).isEqualTo("deploy");
        assertThat(action.getResult()).isEqualTo("SUCCEEDED");
        assertThat(action.getFailedPhase()).isEmpty();
        assertThat(action.getServices()).containsExactly(
                new DeploymentAction.ServiceRow("agent", "us-east4-docker.pkg.dev/mindmirror-69/mindmirror/agent-service", "sha256:aa11",
                        "agent-service-00012-abc", "https://agent-service-555.us-east4.run.app"),
                new DeploymentAction.ServiceRow("mesh", "us-east4-docker.pkg.dev/mindmirror-69/mindmirror/mesh-gateway", "sha256:bb22", "", ""));
        assertThat(action.getPlans()).containsExactly(new DeploymentAction.PlanRow("services", "h1", Map.of("create", 0L, "update", 2L)));
        assertThat(action.getApprovals()).containsExactly(new DeploymentAction.ApprovalRow("services", "carol", "2026-11-22T05:10:00Z"));
        assertThat(action.getRecord()).isEqualTo(json);
    }

    @Test
    void isTheDeploymentPageOfTheBuild() {
        DeploymentAction action = new DeploymentAction(record(Outcome.failed("Migrations", "The pipeline stage Migrations failed.")));

        assertThat(action.getDisplayName()).isEqualTo("Deployment");
        assertThat(action.getUrlName()).isEqualTo("deployment");
        assertThat(action.getIconFileName()).isNotBlank();
        assertThat(action.getResult()).isEqualTo("FAILED");
        assertThat(action.getFailedPhase()).isEqualTo("Migrations");
        assertThat(DeploymentAction.FILE_NAME).isEqualTo("mm-release.json");
    }

    @Test
    void refusesWhatIsNotARecord() {
        assertThatThrownBy(() -> new DeploymentAction("[1,2]")).isInstanceOf(DeployException.class);
        assertThatThrownBy(() -> new DeploymentAction("{oops")).isInstanceOf(DeployException.class);
        assertThatThrownBy(() -> new DeploymentAction("{\"environment\":\"staging\"}")).isInstanceOf(DeployException.class)
                .hasMessageContaining("schemaVersion");
    }
}
