package io.jenkins.plugins.mmdeploy.rollback;

import static org.assertj.core.api.Assertions.assertThat;

import io.mmdeploy.engine.steps.StepRequest;
import org.junit.jupiter.api.Test;

class RollbackStepTest {
    @Test
    void rollsEverythingBackToThePreviousReleaseByDefault() throws Exception {
        RollbackStep step = new RollbackStep("production");
        assertThat(step.request()).isEqualTo(new StepRequest.Rollback("production", "all", "previous", false));
        step.setService("agent");
        step.setTo("agent-service-00011-xyz");
        assertThat(step.request()).isEqualTo(new StepRequest.Rollback("production", "agent", "agent-service-00011-xyz", false));
        step.setService(" ");
        step.setTo(null);
        assertThat(step.getService()).isEqualTo("all");
        assertThat(step.getTo()).isEqualTo("previous");
        assertThat(new RollbackStep.DescriptorImpl().getFunctionName()).isEqualTo("mmRollback");
    }

    @Test
    void forceIsOffByDefaultAndPassedThroughWhenSet() throws Exception {
        RollbackStep step = new RollbackStep("production");
        assertThat(step.isForce()).isFalse();
        step.setForce(true);

        assertThat(step.request()).isEqualTo(new StepRequest.Rollback("production", "all", "previous", true));
        assertThat(step.isForce()).isTrue();
    }
}
