package io.jenkins.plugins.mmdeploy.environment;

import static org.assertj.core.api.Assertions.assertThat;

import hudson.FilePath;
import java.util.ArrayList;
import org.junit.jupiter.api.Test;

class EnvironmentForStepTest {
    @Test
    void branchAndConfigAreOptionalAndBlankMeansNotGiven() {
        EnvironmentForStep step = new EnvironmentForStep();
        assertThat(step.getBranch()).isNull();
        assertThat(step.getConfig()).isEqualTo("mm-deploy.yaml");

        step.setBranch(" main ");
        step.setConfig("apps/mm/mm-deploy.yaml");
        assertThat(step.getBranch()).isEqualTo("main");
        assertThat(step.getConfig()).isEqualTo("apps/mm/mm-deploy.yaml");

        step.setBranch("  ");
        step.setConfig(null);
        assertThat(step.getBranch()).isNull();
        assertThat(step.getConfig()).isEqualTo("mm-deploy.yaml");
    }

    @Test
    void descriptorNamesTheStepAndNeedsTheWorkspace() {
        EnvironmentForStep.DescriptorImpl descriptor = new EnvironmentForStep.DescriptorImpl();
        assertThat(descriptor.getFunctionName()).isEqualTo("mmEnvironmentFor");
        assertThat(new ArrayList<Object>(descriptor.getRequiredContext())).contains(FilePath.class);
    }
}
