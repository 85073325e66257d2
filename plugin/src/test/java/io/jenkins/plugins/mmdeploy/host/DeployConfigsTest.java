package io.jenkins.plugins.mmdeploy.host;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DeployConfigsTest {
    @Test
    void theDeployStepsWorkInTheConfigFilesDirectoryAndReportPathsFromTheWorkspace() {
        assertThat(DeployConfigs.directory("mm-deploy.yaml")).isEmpty();
        assertThat(DeployConfigs.fileName("mm-deploy.yaml")).isEqualTo("mm-deploy.yaml");
        assertThat(DeployConfigs.directory("apps/mm/deploy.yaml")).isEqualTo("apps/mm");
        assertThat(DeployConfigs.fileName("apps/mm/deploy.yaml")).isEqualTo("deploy.yaml");
        assertThat(DeployConfigs.directory("apps\\mm\\deploy.yaml")).isEqualTo("apps\\mm");

        assertThat(DeployConfigs.inWorkspace("", "mm-release.json")).isEqualTo("mm-release.json");
        assertThat(DeployConfigs.inWorkspace("apps/mm", "mm-release.json")).isEqualTo("apps/mm/mm-release.json");
    }
}
