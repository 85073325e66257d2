package io.jenkins.plugins.mmdeploy.rollback;

import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.mmdeploy.host.RecordingStages;
import io.jenkins.plugins.mmdeploy.host.StageContext;
import org.junit.jupiter.api.Test;

class RollbackStepTest {
    private final StageContext stage = new StageContext(null, null, null, null);

    @Test
    void rollsEverythingBackToThePreviousReleaseByDefault() throws Exception {
        RecordingStages stages = new RecordingStages();
        RollbackStep step = new RollbackStep("production");
        step.call(stages, stage);
        step.setService("agent");
        step.setTo("agent-service-00011-xyz");
        step.call(stages, stage);
        step.setService(" ");
        step.setTo(null);

        assertThat(stages.calls).containsExactly(
                "rollback", stage, "all", "previous", "rollback", stage, "agent", "agent-service-00011-xyz");
        assertThat(step.getService()).isEqualTo("all");
        assertThat(step.getTo()).isEqualTo("previous");
        assertThat(new RollbackStep.DescriptorImpl().getFunctionName()).isEqualTo("mmRollback");
    }
}
