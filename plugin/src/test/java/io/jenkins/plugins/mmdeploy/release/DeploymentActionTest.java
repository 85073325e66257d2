package io.jenkins.plugins.mmdeploy.release;

import static org.assertj.core.api.Assertions.assertThat;

import io.mmdeploy.engine.release.ReleaseRecord.Outcome;
import org.junit.jupiter.api.Test;

class DeploymentActionTest {
    @Test
    void isTheDeploymentPageOfTheBuildMadeFromTheEnginesRecord() {
        DeploymentAction action = DeploymentAction.of(DeploymentPageTest.record(Outcome.succeeded(), "https://agent-service-555.us-east4.run.app"));

        assertThat(action.getDisplayName()).isEqualTo("Deployment");
        assertThat(action.getUrlName()).isEqualTo("deployment");
        assertThat(action.getIconFileName()).isNotBlank();
        DeploymentPage page = action.getPage();
        assertThat(page.readable()).isTrue();
        assertThat(page.release()).isEqualTo("20261122-050000-abc1234");
        assertThat(page.services()).extracting(DeploymentPage.ServiceRow::link)
                .containsExactly("https://agent-service-555.us-east4.run.app", "");
        // Not attached to a build yet: no approvals to list (the record's own list is never shown as approvals).
        assertThat(page.approvals()).isEmpty();
    }
}
