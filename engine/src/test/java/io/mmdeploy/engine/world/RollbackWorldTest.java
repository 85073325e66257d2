package io.mmdeploy.engine.world;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mmdeploy.engine.diagnostics.DeployException;
import io.mmdeploy.engine.release.ReleaseRecord;
import io.mmdeploy.engine.steps.DeploySteps;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The manual rollback job in the world: the same lease, the same health check, the same migration rule. */
class RollbackWorldTest {
    @TempDir
    Path dir;
    DeployWorld world;

    @BeforeEach
    void start() throws Exception {
        world = DeployWorld.start(dir, "staging");
    }

    @AfterEach
    void stop() {
        world.close();
    }

    @Test
    void aRollbackHealthChecksLikeADeployRedirectsAndSlowAnswersIncluded() throws Exception {
        // Release 1's agent answers its health path with a redirect, its journal slowly: both are healthy.
        world.nextRevisions("staging", "agent", DeployWorld.Health.REDIRECT);
        world.nextRevisions("staging", "journal", DeployWorld.Health.SLOW);
        String first = world.checkout("cli:ana@laptop").deploy("staging").release();
        world.commit("shared/version.txt", "2\n", "shared: v2");
        world.checkout("cli:ana@laptop").deploy("staging");
        Map<String, String> firstImages = world.records("staging").get(0).serving().stream()
                .collect(java.util.stream.Collectors.toMap(ReleaseRecord.ServiceRelease::name, s -> s.image().ref()));

        Checkout job = world.checkout("jenkins:mindmirror/rollback#3");
        DeploySteps steps = job.steps();
        steps.preflight("staging");
        steps.release("staging", "start", null, null, "rollback");
        // Both migrations ran with new images after release 1: refused, naming them, unless forced.
        assertThatThrownBy(() -> steps.rollback("staging", "all", first, false)).isInstanceOf(DeployException.class)
                .hasMessageContaining("migrate-main-staging").hasMessageContaining("fix forward");
        assertThat(steps.rollback("staging", "all", first, true).healthy()).isTrue();
        assertThat(world.serving("staging")).isEqualTo(firstImages);
        ReleaseRecord record = world.newestRecord("staging");
        assertThat(record.kind()).isEqualTo(ReleaseRecord.Kind.ROLLBACK);
        assertThat(record.rollback().forced()).isTrue();
        steps.release("staging", "finish", "SUCCEEDED", null, null);
        assertThat(world.leaseOf("staging")).isNull();
    }
}
