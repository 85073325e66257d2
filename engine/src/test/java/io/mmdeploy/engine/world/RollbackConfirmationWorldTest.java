package io.mmdeploy.engine.world;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mmdeploy.engine.approval.GatePlan;
import io.mmdeploy.engine.approval.RecordedApproval;
import io.mmdeploy.engine.config.ApprovalPolicy.Gate;
import io.mmdeploy.engine.diagnostics.DeployException;
import io.mmdeploy.engine.steps.DeployRun;
import io.mmdeploy.engine.steps.DeploySteps;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** In a gated environment a rollback waits for a person: the engine refuses mmRollback until this run is confirmed. */
class RollbackConfirmationWorldTest {
    @TempDir
    Path dir;
    DeployWorld world;

    @AfterEach
    void stop() {
        world.close();
    }

    @Test
    void aRollbackMovesNothingUntilAPersonConfirmedThisVeryRun() throws Exception {
        world = DeployWorld.start(dir, "main");
        DeployRun.Gatekeeper yes = (env, gate, plan) -> Optional.of("rita");
        world.checkout("cli:ana@laptop").deploy("production", yes, DeployRun.Progress.NONE);
        world.commit("services/journal/app/change.py", "print('v2')\n", "journal v2");
        world.checkout("cli:ana@laptop").deploy("production", yes, DeployRun.Progress.NONE);
        Map<String, String> before = world.serving("production");

        // What a hand-written Jenkinsfile or a Replay does: start a rollback run and call mmRollback.
        Checkout job = world.checkout("jenkins:rollback#3");
        DeploySteps steps = job.steps();
        steps.preflight("production");
        steps.release("production", "start", null, null, "rollback");
        assertThatThrownBy(() -> steps.rollback("production", "all", "previous", false)).isInstanceOf(DeployException.class)
                .hasMessageContaining("Refusing Rollback in production: nobody confirmed this rollback")
                .hasMessageContaining("Nothing was changed");
        // A confirmation of another run is not this one's.
        job.approvals.record(new RecordedApproval("production", Gate.ROLLBACK, "rollback-run:20261201-080000-other", "rita",
                world.clock.instant()));
        assertThatThrownBy(() -> steps.rollback("production", "all", "previous", false)).isInstanceOf(DeployException.class);
        assertThat(world.serving("production")).isEqualTo(before);

        GatePlan confirmation = steps.openGate("production", "rollback");
        assertThat(confirmation.automatic()).isFalse();
        assertThat(world.leaseOf("production")).as("waiting for the confirmation holds no lease").isNull();
        job.approvals.record(new RecordedApproval("production", Gate.ROLLBACK, confirmation.planHash(), "rita", world.clock.instant()));

        assertThat(steps.rollback("production", "all", "previous", false).healthy()).isTrue();
        assertThat(world.serving("production")).isNotEqualTo(before);
    }
}
