package io.jenkins.plugins.mmdeploy.rollback;

import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.mmdeploy.host.RecordingStages;
import org.junit.jupiter.api.Test;

class RollbackStepTest {
    @Test
    void rollsEverythingBackToThePreviousReleaseByDefault() throws Exception {
        RecordingStages stages = new RecordingStages();
        RollbackStep step = new RollbackStep("production");
        step.call(stages);
        step.setService("agent");
        step.setTo("agent-service-00011-xyz");
        step.call(stages);
        step.setService(" ");
        step.setTo(null);

        assertThat(stages.calls).containsExactly(
                "rollback", "production", "all", "previous", false, "rollback", "production", "agent", "agent-service-00011-xyz", false);
        assertThat(step.getService()).isEqualTo("all");
        assertThat(step.getTo()).isEqualTo("previous");
        assertThat(new RollbackStep.DescriptorImpl().getFunctionName()).isEqualTo("mmRollback");
    }

    @Test
    void forceIsOffByDefaultAndPassedThroughWhenSet() throws Exception {
        RecordingStages stages = new RecordingStages();
        RollbackStep step = new RollbackStep("production");
        assertThat(step.isForce()).isFalse();
        step.setForce(true);
        step.call(stages);

        assertThat(stages.calls).containsExactly("rollback", "production", "all", "previous", true);
        assertThat(step.isForce()).isTrue();
    }
}
