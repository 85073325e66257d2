package io.mmdeploy.engine.world;

import static org.assertj.core.api.Assertions.assertThat;

import io.mmdeploy.engine.release.ReleaseRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** retention.afterDeploy: the deploy ends with the retention run, which never takes a rollback target. */
class RetentionAfterDeployWorldTest {
    static final String OLD = "sha256:" + "0".repeat(64);

    @TempDir
    Path dir;
    DeployWorld world;

    @AfterEach
    void stop() {
        world.close();
    }

    DeployWorld start(boolean afterDeploy) throws Exception {
        return DeployWorld.start(dir, "staging", origin -> {
            if (afterDeploy) {
                Path config = origin.resolve("mm-deploy.yaml");
                Files.writeString(config, Files.readString(config).replace("    serviceNameSuffix: -staging\n",
                        "    serviceNameSuffix: -staging\n    retention: {afterDeploy: true, untaggedDays: 1}\n"));
            }
        });
    }

    @Test
    void afterTheDeployOldUntaggedVersionsGoAndEveryRecordedImageStays() throws Exception {
        world = start(true);
        String agent = world.env("staging").registry().image("agent-service");
        world.cloud.artifactRegistry.version(agent, OLD, DeployWorld.START.minus(Duration.ofDays(40)));

        world.checkout("cli:ana@laptop").deploy("staging");

        ReleaseRecord record = world.assertConverged("staging");
        assertThat(world.cloud.artifactRegistry.hasVersion(agent, OLD)).as("an untagged version 40 days old").isFalse();
        assertThat(world.cloud.artifactRegistry.hasVersion(agent, record.serving("agent").orElseThrow().image().digest()))
                .as("the deployed image").isTrue();
        assertThat(world.log.text()).contains("Retention after the deploy: 1 image version(s) deleted");
    }

    @Test
    void withoutItTheDeployDeletesNothing() throws Exception {
        world = start(false);
        String agent = world.env("staging").registry().image("agent-service");
        world.cloud.artifactRegistry.version(agent, OLD, DeployWorld.START.minus(Duration.ofDays(40)));

        world.checkout("cli:ana@laptop").deploy("staging");

        world.assertConverged("staging");
        assertThat(world.cloud.artifactRegistry.hasVersion(agent, OLD)).isTrue();
    }
}
