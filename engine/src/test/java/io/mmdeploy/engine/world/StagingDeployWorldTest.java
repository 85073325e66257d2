package io.mmdeploy.engine.world;

import static org.assertj.core.api.Assertions.assertThat;

import io.mmdeploy.engine.release.ReleaseRecord;
import io.mmdeploy.engine.steps.DeployRun;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Staging, end to end, twice in a row from fresh checkouts: what a team sees on its second deploy. */
class StagingDeployWorldTest {
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
    void aFirstDeployBringsEverythingToTheCommitAndRecordsIt() throws Exception {
        DeployRun.Result result = world.checkout("cli:ana@laptop").deploy("staging");

        assertThat(result.status()).isEqualTo("SUCCEEDED");
        ReleaseRecord record = world.assertConverged("staging");
        assertThat(record.id()).isEqualTo(result.release());
        assertThat(world.builds()).isEqualTo(9); // 7 services, the celery worker and the gateway
        // Two databases: both at once, recorded as each ends.
        assertThat(record.migrations()).extracting(ReleaseRecord.MigrationRun::job, ReleaseRecord.MigrationRun::result)
                .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("migrate-main-staging", "SUCCEEDED"),
                        org.assertj.core.groups.Tuple.tuple("migrate-habits-staging", "SUCCEEDED"));
        assertThat(world.serving("staging").values()).allMatch(image -> image.contains("@sha256:"));
        assertThat(result.phases().keySet()).containsExactly("build-images", "gateway-build", "services-plan", "migrations",
                "services-apply", "service-urls", "gateway-plan", "gateway-apply", "health", "smoke-tests", "release", "alias");
        world.assertNoSecretLeaked();
    }

    @Test
    void theSecondDeployFromAFreshCheckoutBuildsOnlyTheChangedServiceAndChangesNoOtherImage() throws Exception {
        world.checkout("cli:ana@laptop").deploy("staging");
        Map<String, String> before = world.serving("staging");
        Map<String, Integer> revisions = new LinkedHashMap<>();
        world.names().forEach(n -> revisions.put(n, world.revisionCount("staging", n)));
        long builds = world.builds();

        world.commit("services/agent/app/main.py", "print('agent v2')\n", "agent: v2");
        // A fresh checkout: its var file holds the committed images (mesh-gateway:initial), not what is live.
        Checkout fresh = world.checkout("cli:bo@desk");
        assertThat(fresh.read("infra/environments/staging.auto.tfvars")).contains("mesh-gateway:initial");
        DeployRun.Result second = fresh.deploy("staging");

        assertThat(second.status()).isEqualTo("SUCCEEDED");
        world.assertConverged("staging");
        assertThat(world.builds() - builds).as("builds in the second deploy").isEqualTo(1);
        Map<String, String> after = world.serving("staging");
        for (String name : world.names()) {
            if (name.equals("agent")) {
                assertThat(after.get(name)).isNotEqualTo(before.get(name));
                assertThat(world.revisionCount("staging", name)).isEqualTo(revisions.get(name) + 1);
            } else {
                assertThat(after.get(name)).as(name + " keeps its image").isEqualTo(before.get(name));
                assertThat(world.revisionCount("staging", name)).as(name + " gets no new revision").isEqualTo(revisions.get(name));
            }
        }
        assertThat(after.get("mesh")).doesNotContain(":initial");
        // The services plan named the one image it changed, and nothing else.
        String journal = fresh.read(".mm-deploy/staging.run.json");
        assertThat(fresh.journal("staging").pending().get("services-plan").imageChanges())
                .singleElement().asString().contains("agent").contains("->");
        assertThat(journal).doesNotContain("mesh-gateway:initial");
        world.assertNoSecretLeaked();
    }
}
