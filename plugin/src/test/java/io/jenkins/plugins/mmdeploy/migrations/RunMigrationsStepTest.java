package io.jenkins.plugins.mmdeploy.migrations;

import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.mmdeploy.host.RecordingStages;
import io.jenkins.plugins.mmdeploy.host.StageContext;
import org.junit.jupiter.api.Test;

class RunMigrationsStepTest {
    private final StageContext stage = new StageContext(null, null, null, null);

    @Test
    void takesOnlyTheEnvironment() throws Exception {
        RecordingStages stages = new RecordingStages();
        RunMigrationsStep step = new RunMigrationsStep("staging");
        step.setConfig("app/mm-deploy.yaml");
        step.call(stages, stage);

        assertThat(stages.calls).containsExactly("runMigrations", stage);
        assertThat(step.getEnvironment()).isEqualTo("staging");
        assertThat(step.getConfig()).isEqualTo("app/mm-deploy.yaml");
        assertThat(new RunMigrationsStep.DescriptorImpl().getFunctionName()).isEqualTo("mmRunMigrations");
    }
}
