package io.jenkins.plugins.mmdeploy.preflight;

import static org.assertj.core.api.Assertions.assertThat;

import hudson.FilePath;
import hudson.model.Run;
import hudson.model.TaskListener;
import io.mmdeploy.engine.steps.StepRequest;
import org.junit.jupiter.api.Test;

class PreflightStepTest {

    @Test
    void environmentIsRequiredAndConfigOptional() {
        PreflightStep step = new PreflightStep("staging");
        assertThat(step.getEnvironment()).isEqualTo("staging");
        assertThat(step.getConfig()).isEqualTo("mm-deploy.yaml");

        step.setConfig("apps/mm/mm-deploy.yaml");
        assertThat(step.getConfig()).isEqualTo("apps/mm/mm-deploy.yaml");
        step.setConfig(null);
        assertThat(step.getConfig()).isEqualTo("mm-deploy.yaml");
        assertThat(step.request()).isEqualTo(new StepRequest.Preflight("staging"));
    }

    @Test
    void descriptorNamesTheStepAndRunsInsideANode() {
        PreflightStep.DescriptorImpl descriptor = new PreflightStep.DescriptorImpl();

        assertThat(descriptor.getFunctionName()).isEqualTo("mmPreflight");
        assertThat(new java.util.HashSet<Class<?>>(descriptor.getRequiredContext())).isEqualTo(java.util.Set.of(Run.class, TaskListener.class, FilePath.class));
    }
}
