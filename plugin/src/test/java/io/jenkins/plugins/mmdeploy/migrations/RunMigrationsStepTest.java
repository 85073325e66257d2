package io.jenkins.plugins.mmdeploy.migrations;

import static org.assertj.core.api.Assertions.assertThat;

import io.mmdeploy.engine.steps.StepRequest;
import org.junit.jupiter.api.Test;

class RunMigrationsStepTest {
    @Test
    void takesOnlyTheEnvironment() throws Exception {
        RunMigrationsStep step = new RunMigrationsStep("staging");
        step.setConfig("app/mm-deploy.yaml");

        assertThat(step.request()).isEqualTo(new StepRequest.RunMigrations("staging"));
        assertThat(step.getEnvironment()).isEqualTo("staging");
        assertThat(step.getConfig()).isEqualTo("app/mm-deploy.yaml");
        assertThat(new RunMigrationsStep.DescriptorImpl().getFunctionName()).isEqualTo("mmRunMigrations");
    }
}
