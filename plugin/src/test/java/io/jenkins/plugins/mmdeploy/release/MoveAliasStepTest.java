package io.jenkins.plugins.mmdeploy.release;

import static org.assertj.core.api.Assertions.assertThat;

import hudson.FilePath;
import io.mmdeploy.engine.steps.StepRequest;
import java.util.ArrayList;
import org.junit.jupiter.api.Test;

class MoveAliasStepTest {
    @Test
    void takesTheEnvironmentAndTheConfig() throws Exception {
        MoveAliasStep step = new MoveAliasStep("staging");
        step.setConfig(" app/mm-deploy.yaml ");

        assertThat(step.request()).isEqualTo(new StepRequest.MoveAlias("staging"));
        assertThat(step.getConfig()).isEqualTo("app/mm-deploy.yaml");
        MoveAliasStep.DescriptorImpl descriptor = new MoveAliasStep.DescriptorImpl();
        assertThat(descriptor.getFunctionName()).isEqualTo("mmMoveAlias");
        assertThat(new ArrayList<Object>(descriptor.getRequiredContext())).contains(FilePath.class);
    }
}
