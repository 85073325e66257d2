package io.mmdeploy.engine.steps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.cloud.run.v2.ServicesGrpc;
import io.grpc.Status;
import io.mmdeploy.engine.release.RollbackPlan;
import io.mmdeploy.engine.config.ConfigLoader;
import io.mmdeploy.engine.config.LoadedConfig;
import io.mmdeploy.engine.diagnostics.DeployException;
import io.mmdeploy.engine.port.local.LocalWorkspace;
import io.mmdeploy.engine.release.ReleaseHistory;
import io.mmdeploy.engine.release.ReleaseJson;
import io.mmdeploy.engine.release.ReleaseRecord;
import io.mmdeploy.engine.release.ReleaseWorld;
import io.mmdeploy.engine.testing.ExampleRepo;
import io.mmdeploy.engine.tofu.TofuSettings;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * mmRollback and the rollback's release record through DeploySteps, on a world with two recorded deploys. A rollback is a
 * run too: mmPreflight, mmRelease(phase: 'start', kind: 'rollback') (which takes the lease), mmRollback, mmRelease finish.
 */
class DeployStepsRollbackTest {
    @TempDir
    Path dir;

    static final String BUCKET = "mindmirror-staging-tfstate";
    static final String LEASE = BUCKET + "/mindmirror/staging/mm-deploy.lease";

    ReleaseWorld world;
    ExampleRepo repo;
    DeploySteps steps;

    @BeforeEach
    void start() throws Exception {
        // Without migrations: the guard against rolling code back past a schema change is the release package's to test.
        repo = ExampleRepo.copyInto(dir).edit(ExampleRepo.CONFIG, text -> text.replaceAll("(?s)\nmigrations:.*?\n(?=environments:)", "\n"));
        LocalWorkspace workspace = new LocalWorkspace(repo.root());
        LoadedConfig loaded = new ConfigLoader(workspace).load(ExampleRepo.CONFIG);
        world = ReleaseWorld.start(loaded.config(), loaded.config().environment("staging"));
        // The staging lease lives in its state bucket (infra/environments/staging.backend.hcl).
        world.cloud.storage.addBucket(BUCKET, "1234567890");
        StepHost host = new StepHost(workspace, null, null, world.log, world.log.mask,
                (env, wait) -> world.cloud.clients(env.projectId(), wait), world.clock, d -> {});
        steps = new DeploySteps(host, loaded, TofuSettings.defaults());
        world.deploy(1);
        world.deploy(2, "users");
    }

    /** mmPreflight then mmRelease(phase: 'start', kind: 'rollback'); returns the run's release id. */
    String startRollback() throws InterruptedException {
        String release = steps.preflight("staging").release();
        steps.release("staging", "start", null, null, "rollback");
        return release;
    }

    @AfterEach
    void stop() {
        world.close();
    }

    @Test
    void rollingBackEverythingMovesEachChangedServiceAndTheRecordIsArchived() throws Exception {
        startRollback();
        assertThat(world.cloud.storage.objects()).containsKey(LEASE);

        RollbackOutcome result = steps.rollback("staging", "all", "previous", false);

        assertThat(result.healthy()).isTrue();
        Map<String, RollbackPlan.Move> moved = new java.util.LinkedHashMap<>();
        result.moved().forEach(m -> moved.put(m.service(), m));
        assertThat(moved).doesNotContainKey("users").containsKeys("agent", "mesh");
        assertThat(moved.get("agent").from()).isEqualTo(world.revision("agent", 2) + "=100");
        assertThat(moved.get("agent").toRevision()).isEqualTo(world.revision("agent", 1));
        assertThat(world.serving("agent")).isEqualTo(world.revision("agent", 1));

        ReleaseResult finish = steps.release("staging", "finish", "SUCCEEDED", null, null);

        assertThat(finish.release()).isEqualTo(result.release());
        ReleaseRecord record = ReleaseJson.read(repo.read("mm-release.json"), "mm-release.json");
        assertThat(record.kind()).isEqualTo(ReleaseRecord.Kind.ROLLBACK);
        assertThat(record.succeeded()).isTrue();
        assertThat(record.rollback().toRelease()).isEqualTo(ReleaseHistory.read(world.store).oldestFirst().get(0).id());
        assertThat(ReleaseHistory.read(world.store).newest()).contains(record);
        assertThat(world.cloud.storage.objects()).doesNotContainKey(LEASE);
    }

    @Test
    void aRollbackStartedWithoutPreflightIsRefusedAndMovesNothing() {
        assertThatThrownBy(() -> steps.release("staging", "start", null, null, "rollback")).isInstanceOf(DeployException.class)
                .hasMessageContaining("no run was started").hasMessageContaining("mmPreflight");

        assertThat(world.cloud.storage.objects()).doesNotContainKey(LEASE);
        assertThat(world.serving("agent")).isEqualTo(world.revision("agent", 2));
    }

    @Test
    void aRollbackStoppedHalfWayIsRecordedOnceAsFailed() throws Exception {
        startRollback();
        int before = ReleaseHistory.read(world.store).newestFirst().size();
        world.cloud.faults.failAlways(ServicesGrpc.getUpdateServiceMethod(), Status.PERMISSION_DENIED);

        assertThatThrownBy(() -> steps.rollback("staging", "all", "previous", false)).isInstanceOf(DeployException.class)
                .hasMessageContaining("stopped half-way");
        ReleaseResult finish = steps.release("staging", "finish", "FAILED", "Rollback", null);

        ReleaseHistory history = ReleaseHistory.read(world.store);
        ReleaseRecord failed = history.newest().orElseThrow();
        assertThat(failed.kind()).isEqualTo(ReleaseRecord.Kind.ROLLBACK);
        assertThat(finish.release()).isEqualTo(failed.id());
        assertThat(history.newestFirst().stream().map(ReleaseRecord::id).distinct()).hasSize(before + 1);
        assertThat(ReleaseJson.read(repo.read("mm-release.json"), "mm-release.json").id()).isEqualTo(failed.id());
    }

    @Test
    void aRollbackRefusedBeforeItMovedAnythingIsRecordedAsFailed() throws Exception {
        String release = startRollback();

        ReleaseResult finish = steps.release("staging", "finish", "FAILED", "Confirm rollback", null);

        ReleaseRecord record = ReleaseJson.read(repo.read("mm-release.json"), "mm-release.json");
        assertThat(record.id()).isEqualTo(finish.release()).isEqualTo(release);
        assertThat(record.kind()).isEqualTo(ReleaseRecord.Kind.ROLLBACK);
        assertThat(record.outcome().failedPhase()).isEqualTo("Confirm rollback");
        assertThat(world.serving("agent")).isEqualTo(world.revision("agent", 2));
        assertThat(ReleaseHistory.read(world.store).newest()).contains(record);
        assertThat(world.cloud.storage.objects()).doesNotContainKey(LEASE);
    }
}
