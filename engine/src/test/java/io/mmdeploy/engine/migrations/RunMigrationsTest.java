package io.mmdeploy.engine.migrations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.cloud.run.v2.JobsGrpc;
import io.grpc.Status;
import io.mmdeploy.engine.config.EnvironmentSpec;
import io.mmdeploy.engine.config.MigrationSpec;
import io.mmdeploy.engine.diagnostics.DeployException;
import io.mmdeploy.engine.gcp.GoogleClients;
import io.mmdeploy.engine.gcp.fake.CapturedLog;
import io.mmdeploy.engine.gcp.fake.FakeCloudRun;
import io.mmdeploy.engine.gcp.fake.FakeCloudRun.ExecutionOutcome;
import io.mmdeploy.engine.gcp.fake.FakeGoogleCloud;
import io.mmdeploy.engine.gcp.fake.Fixtures;
import io.mmdeploy.engine.images.ImageRef;
import io.mmdeploy.engine.port.LogEvent;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RunMigrationsTest {
    static final EnvironmentSpec ENV = Fixtures.staging();
    static final String DIGEST_USERS = "sha256:" + "a".repeat(64);
    static final String DIGEST_HABITS = "sha256:" + "b".repeat(64);
    static final String MAIN = FakeCloudRun.jobName(Fixtures.PROJECT, Fixtures.REGION, "migrate-main-staging");
    static final String HABITS = FakeCloudRun.jobName(Fixtures.PROJECT, Fixtures.REGION, "migrate-habits-staging");

    FakeGoogleCloud cloud;
    GoogleClients clients;
    CapturedLog log = new CapturedLog();
    /** What the run was told as each execution ended, before any failure was thrown. */
    List<MigrationResult> recorded = new java.util.concurrent.CopyOnWriteArrayList<>();
    Map<String, ImageRef> images = Map.of(
            "users", new ImageRef("users", ENV.registry().image("users-service"), List.of("staging-1"), DIGEST_USERS, true),
            "habits", new ImageRef("habits", ENV.registry().image("habits-service"), List.of("staging-1"), DIGEST_HABITS, false));

    @BeforeEach
    void start() throws Exception {
        cloud = FakeGoogleCloud.start();
        clients = cloud.clients(Fixtures.PROJECT, Duration.ofMinutes(1));
        cloud.cloudRun.addJob(Fixtures.PROJECT, Fixtures.REGION, "migrate-main-staging", "old-image", 0);
        cloud.cloudRun.addJob(Fixtures.PROJECT, Fixtures.REGION, "migrate-habits-staging", "old-image", 0);
    }

    @AfterEach
    void stop() {
        clients.close();
        cloud.close();
    }

    List<MigrationResult> run(Duration timeout) throws InterruptedException {
        List<MigrationSpec> specs = List.of(new MigrationSpec("migrate-main", "main", "users", timeout),
                new MigrationSpec("migrate-habits", "habits", "habits", timeout));
        return new RunMigrations(clients.jobs(), clients.executions(), log.stage(RunMigrations.STAGE)).run(ENV, specs, images, recorded::add);
    }

    @Test
    void pointsEachJobAtItsServiceImageByDigestAndRunsIt() throws Exception {
        List<MigrationResult> results = run(Duration.ofSeconds(5));

        assertThat(results).extracting(MigrationResult::job).containsExactly("migrate-main-staging", "migrate-habits-staging");
        MigrationResult main = results.get(0);
        assertThat(main.image()).isEqualTo(ENV.registry().image("users-service") + "@" + DIGEST_USERS);
        assertThat(main.succeededTasks()).isEqualTo(1);
        assertThat(main.failedTasks()).isZero();
        assertThat(main.execution()).startsWith("migrate-main-staging-x");
        assertThat(main.logUri()).contains(main.execution());
        assertThat(cloud.cloudRun.job(MAIN).getTemplate().getTemplate().getContainers(0).getImage()).isEqualTo(main.image());
        assertThat(cloud.cloudRun.job(HABITS).getTemplate().getTemplate().getContainers(0).getImage()).endsWith(DIGEST_HABITS);
        assertThat(log.events()).noneMatch(e -> e.level() == LogEvent.Level.WARN);
    }

    /** A job already at the digest (its service unchanged, or a rerun) is run as it is: no update, no wait on its operation. */
    @Test
    void aJobAlreadyAtTheImageIsRunWithoutAnUpdate() throws Exception {
        run(Duration.ofSeconds(5));
        assertThat(cloud.faults.calls(JobsGrpc.getUpdateJobMethod())).isEqualTo(2);
        images = Map.of("users", images.get("users"),
                "habits", new ImageRef("habits", ENV.registry().image("habits-service"), List.of("staging-2"), "sha256:" + "c".repeat(64), true));

        List<MigrationResult> again = run(Duration.ofSeconds(5));

        // Only habits' job changed image; both ran, each with its own service's digest.
        assertThat(cloud.faults.calls(JobsGrpc.getUpdateJobMethod())).isEqualTo(3);
        assertThat(cloud.faults.calls(JobsGrpc.getRunJobMethod())).isEqualTo(4);
        assertThat(again).extracting(MigrationResult::image)
                .containsExactly(ENV.registry().image("users-service") + "@" + DIGEST_USERS, ENV.registry().image("habits-service") + "@sha256:" + "c".repeat(64));
        assertThat(cloud.cloudRun.job(HABITS).getTemplate().getTemplate().getContainers(0).getImage()).endsWith("c".repeat(64));
        assertThat(again).allMatch(MigrationResult::succeeded);
    }

    @Test
    void warnsWhenAJobAllowsRetries() throws Exception {
        cloud.cloudRun.addJob(Fixtures.PROJECT, Fixtures.REGION, "migrate-main-staging", "old-image", null);

        run(Duration.ofSeconds(5));

        assertThat(log.events()).filteredOn(e -> e.level() == LogEvent.Level.WARN).extracting(LogEvent::message)
                .singleElement().asString().contains("migrate-main-staging allows 3 retries");
    }

    @Test
    void aFailedExecutionStopsTheDeployNamingJobExecutionAndLogs() {
        cloud.cloudRun.outcome(MAIN, ExecutionOutcome.FAIL);

        assertThatThrownBy(() -> run(Duration.ofSeconds(5))).isInstanceOfSatisfying(DeployException.class, e -> {
            assertThat(e.diagnostics().get(0).summary()).matches("Migration migrate-main-staging failed: execution migrate-main-staging-x\\d+");
            assertThat(e.diagnostics().get(0).detail()).contains("1 failed").contains("exit code 1").contains("https://console.cloud.google.com/logs");
        });
        // The other database's migration ran beside it; both executions are recorded, the failed one too: it may have
        // changed the schema.
        assertThat(recorded).extracting(MigrationResult::job, MigrationResult::result).containsExactlyInAnyOrder(
                org.assertj.core.groups.Tuple.tuple("migrate-main-staging", MigrationResult.FAILED),
                org.assertj.core.groups.Tuple.tuple("migrate-habits-staging", MigrationResult.SUCCEEDED));
    }

    @Test
    void onOneDatabaseAFailureStopsTheNextMigrationOfThatDatabase() {
        cloud.cloudRun.outcome(MAIN, ExecutionOutcome.FAIL);
        List<MigrationSpec> sameDatabase = List.of(new MigrationSpec("migrate-main", "main", "users", Duration.ofSeconds(5)),
                new MigrationSpec("migrate-habits", "main", "habits", Duration.ofSeconds(5)));

        assertThatThrownBy(() -> new RunMigrations(clients.jobs(), clients.executions(), log.stage(RunMigrations.STAGE))
                .run(ENV, sameDatabase, images, recorded::add)).isInstanceOf(DeployException.class)
                .hasMessageContaining("Migration migrate-main-staging failed");
        // Fail closed: the second job of that database never ran.
        assertThat(cloud.cloudRun.executions()).hasSize(1);
        assertThat(recorded).singleElement().satisfies(r -> {
            assertThat(r.result()).isEqualTo(MigrationResult.FAILED);
            assertThat(r.image()).endsWith(DIGEST_USERS);
        });
    }

    @Test
    void aCancelledExecutionStopsTheDeploy() {
        cloud.cloudRun.outcome(MAIN, ExecutionOutcome.CANCEL);

        assertThatThrownBy(() -> run(Duration.ofSeconds(5)))
                .hasMessageMatching("(?s).*Migration migrate-main-staging was cancelled: execution migrate-main-staging-x\\d+.*")
                .hasMessageContaining("1 cancelled");
    }

    @Test
    void anExecutionThatOutlivesItsTimeoutStopsTheDeploy() {
        cloud.cloudRun.outcome(HABITS, ExecutionOutcome.HANG);

        assertThatThrownBy(() -> run(Duration.ofMillis(300)))
                .isInstanceOfSatisfying(DeployException.class, e -> {
                    assertThat(e.diagnostics().get(0).summary()).matches("Migration migrate-habits-staging timed out: execution migrate-habits-staging-x\\d+");
                    assertThat(e.diagnostics().get(0).detail()).contains("may still be running");
                });
        assertThat(recorded).extracting(MigrationResult::job, MigrationResult::result)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("migrate-main-staging", MigrationResult.SUCCEEDED),
                        org.assertj.core.groups.Tuple.tuple("migrate-habits-staging", MigrationResult.TIMED_OUT));
    }

    @Test
    void aMissingJobIsFoundBeforeAnyJobChanges() {
        List<MigrationSpec> specs = List.of(new MigrationSpec("migrate-main", "main", "users", Duration.ofSeconds(5)),
                new MigrationSpec("migrate-ghost", "ghost", "users", Duration.ofSeconds(5)));

        assertThatThrownBy(() -> new RunMigrations(clients.jobs(), clients.executions(), log.stage("m")).run(ENV, specs, images, r -> { }))
                .hasMessageContaining("Cannot read the migration job migrate-ghost-staging: NOT_FOUND");
        assertThat(cloud.cloudRun.job(MAIN).getTemplate().getTemplate().getContainers(0).getImage()).isEqualTo("old-image");
        assertThat(cloud.cloudRun.executions()).isEmpty();
    }

    @Test
    void aMigrationWithoutAnImageIsRefused() {
        Map<String, ImageRef> onlyHabits = Map.of("habits", images.get("habits"));

        assertThatThrownBy(() -> new RunMigrations(clients.jobs(), clients.executions(), log.stage("m"))
                .run(ENV, List.of(new MigrationSpec("migrate-main", "main", "users", Duration.ofSeconds(5))), onlyHabits, r -> { }))
                .hasMessageContaining("No image for the migration job migrate-main-staging");
        assertThat(cloud.cloudRun.executions()).isEmpty();
    }

    @Test
    void unavailableOnRunJobIsNotRetriedAndStopsTheDeploy() {
        cloud.faults.failNext(JobsGrpc.getRunJobMethod(), Status.UNAVAILABLE.withDescription("try again"), 1);

        // One database, so one lane: the first start is the one that meets the fault.
        List<MigrationSpec> sameDatabase = List.of(new MigrationSpec("migrate-main", "main", "users", Duration.ofSeconds(5)),
                new MigrationSpec("migrate-habits", "main", "habits", Duration.ofSeconds(5)));
        assertThatThrownBy(() -> new RunMigrations(clients.jobs(), clients.executions(), log.stage(RunMigrations.STAGE))
                .run(ENV, sameDatabase, images, recorded::add))
                .hasMessageContaining("Cannot start the migration job migrate-main-staging: UNAVAILABLE");
        assertThat(cloud.faults.calls(JobsGrpc.getRunJobMethod())).isEqualTo(1);
        assertThat(cloud.cloudRun.executions()).isEmpty();
    }
}
