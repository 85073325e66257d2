package io.jenkins.plugins.mmdeploy.release;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class DeploymentActionTest {
    private static final String RECORD = """
            {"environment":"production","release":"production-42","result":"SUCCEEDED","failedPhase":null,
             "services":{
               "agent":{"image":"europe-west1-docker.pkg.dev/mindmirror-prod/mm/agent","digest":"sha256:aa11",
                        "revision":"agent-service-00012-abc","url":"https://agent-service-555.europe-west1.run.app"},
               "mesh":{"image":"europe-west1-docker.pkg.dev/mindmirror-prod/mm/mesh","digest":"sha256:bb22",
                       "revision":"mesh-00007-xyz","url":"https://mesh-555.europe-west1.run.app"}},
             "plan":{"create":0,"update":2,"replace":0,"delete":0,"noop":14},
             "approvals":[{"phase":"services","approver":"carol","approvedAt":"2026-11-22T05:10:00Z"},
                          {"phase":"gateway","approver":"dave","approvedAt":"2026-11-22T05:20:00Z"}]}
            """;

    @Test
    void showsTheReleaseRecordAsTheEngineWroteIt() {
        DeploymentAction action = new DeploymentAction(RECORD);

        assertThat(action.getEnvironment()).isEqualTo("production");
        assertThat(action.getRelease()).isEqualTo("production-42");
        assertThat(action.getResult()).isEqualTo("SUCCEEDED");
        assertThat(action.getFailedPhase()).isEmpty();
        assertThat(action.getServices()).containsExactly(
                new DeploymentAction.ServiceRow("agent", "europe-west1-docker.pkg.dev/mindmirror-prod/mm/agent", "sha256:aa11",
                        "agent-service-00012-abc", "https://agent-service-555.europe-west1.run.app"),
                new DeploymentAction.ServiceRow("mesh", "europe-west1-docker.pkg.dev/mindmirror-prod/mm/mesh", "sha256:bb22",
                        "mesh-00007-xyz", "https://mesh-555.europe-west1.run.app"));
        assertThat(action.getPlanCounts()).containsExactly(
                Map.entry("create", 0L), Map.entry("update", 2L), Map.entry("replace", 0L), Map.entry("delete", 0L), Map.entry("noop", 14L));
        assertThat(action.getApprovals()).containsExactly(
                new DeploymentAction.ApprovalRow("services", "carol", "2026-11-22T05:10:00Z"),
                new DeploymentAction.ApprovalRow("gateway", "dave", "2026-11-22T05:20:00Z"));
        assertThat(action.getRecord()).isEqualTo(RECORD);
    }

    @Test
    void isTheDeploymentPageOfTheBuild() {
        DeploymentAction action = new DeploymentAction("{\"environment\":\"staging\",\"result\":\"FAILED\",\"failedPhase\":\"migrations\"}");

        assertThat(action.getDisplayName()).isEqualTo("Deployment");
        assertThat(action.getUrlName()).isEqualTo("deployment");
        assertThat(action.getIconFileName()).isNotBlank();
        assertThat(action.getFailedPhase()).isEqualTo("migrations");
        assertThat(action.getServices()).isEmpty();
        assertThat(action.getApprovals()).isEmpty();
        assertThat(DeploymentAction.FILE_NAME).isEqualTo("mm-release.json");
    }

    @Test
    void refusesWhatIsNotARecord() {
        assertThatThrownBy(() -> new DeploymentAction("[1,2]")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new DeploymentAction("{oops")).isInstanceOf(IllegalArgumentException.class);
    }
}
