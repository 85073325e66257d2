package io.mmdeploy.engine.world;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.cloud.secretmanager.v1.SecretManagerServiceGrpc;
import com.google.devtools.artifactregistry.v1.ArtifactRegistryGrpc;
import io.grpc.Status;
import io.mmdeploy.engine.config.EnvironmentSpec;
import io.mmdeploy.engine.diagnostics.DeployException;
import io.mmdeploy.engine.flow.FlowStep;
import io.mmdeploy.engine.gcp.fake.FakeCloudBuild;
import io.mmdeploy.engine.gcp.fake.FakeCloudRun;
import io.mmdeploy.engine.release.ReleaseRecord;
import io.mmdeploy.engine.release.ReleaseRecord.MigrationRun;
import io.mmdeploy.engine.steps.DeployRun;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * One fault at each point of a staging deploy that changes every service (a change under shared/) and runs both
 * migrations. For each: the deploy stops there, no traffic stays on an unhealthy revision, the record names the
 * failed phase and what ran (migrations included), and a rerun of the same checkout converges to the end state of a
 * deploy without the fault. (Jenkins runs the same phases through the same engine calls; the shared library's
 * composition is tested against the same flow in sharedlib-test.)
 */
class DeployFaultMatrixWorldTest {
    static final String ENV = "staging";

    /** Where the fault strikes: the phase it is armed at, what it does, and the phase the record must name. */
    enum Fault {
        BUILD("build-images", "build-images", w -> w.cloud.cloudBuild.outcome(repo(w, "agent-service"), FakeCloudBuild.Outcome.STEP_FAILURE)),
        PUSH("build-images", "build-images", w -> w.cloud.cloudBuild.outcome(repo(w, "users-service"), FakeCloudBuild.Outcome.PUSH_FAILURE)),
        MIGRATION_FAILS("migrations", "migrations", w -> w.cloud.cloudRun.outcome(job(w, "migrate-habits"), FakeCloudRun.ExecutionOutcome.FAIL)),
        MIGRATION_TIMES_OUT("migrations", "migrations", w -> w.cloud.cloudRun.outcome(job(w, "migrate-main"), FakeCloudRun.ExecutionOutcome.HANG)),
        PLAN("services-plan", "services-plan", w -> w.tofu.failPlans = 1),
        APPLY_HALF_WAY("services-apply", "services-apply", w -> w.tofu.failApplyAfter = 3),
        URLS_SECRET_WRITE("service-urls", "service-urls", w -> w.cloud.faults.failNext(SecretManagerServiceGrpc.getAddSecretVersionMethod(),
                Status.PERMISSION_DENIED.withDescription("Permission 'secretmanager.versions.add' denied"), 1)),
        GATEWAY_BUILD("gateway-build", "gateway-build", w -> w.cloud.cloudBuild.outcome(repo(w, "mesh-gateway"), FakeCloudBuild.Outcome.STEP_FAILURE)),
        // Staging plans the gateway with the services (it was built with their current URLs): its faults strike in that apply.
        GATEWAY_APPLY("services-apply", "services-apply", w -> w.tofu.failApplyOf = w.cloudRunService(w.env(ENV), "mesh")),
        SERVICE_HEALTH("services-apply", "health", w -> w.nextRevisions(ENV, "journal", DeployWorld.Health.UNHEALTHY)),
        GATEWAY_HEALTH("services-apply", "health", w -> w.nextRevisions(ENV, "mesh", DeployWorld.Health.UNHEALTHY)),
        SMOKE_TEST("services-apply", "smoke-tests", w -> w.nextRevisions(ENV, "mesh", DeployWorld.Health.FAILS_SMOKE)),
        RECORD_WRITE("release", "release", w -> w.cloud.faults.failNext(SecretManagerServiceGrpc.getAddSecretVersionMethod(),
                Status.PERMISSION_DENIED.withDescription("Permission 'secretmanager.versions.add' denied"), 1)),
        ALIAS_MOVE("alias", null, w -> {
            w.cloud.faults.failNext(ArtifactRegistryGrpc.getUpdateTagMethod(), Status.PERMISSION_DENIED.withDescription("denied"), 8);
            w.cloud.faults.failNext(ArtifactRegistryGrpc.getCreateTagMethod(), Status.PERMISSION_DENIED.withDescription("denied"), 8);
        });

        final String armedAt;
        final String failedPhase;
        final Consumer<DeployWorld> arm;

        Fault(String armedAt, String failedPhase, Consumer<DeployWorld> arm) {
            this.armedAt = armedAt;
            this.failedPhase = failedPhase;
            this.arm = arm;
        }
    }

    @TempDir
    Path dir;
    DeployWorld world;

    @BeforeEach
    void start() throws Exception {
        world = DeployWorld.start(dir, ENV);
        world.checkout("cli:setup").deploy(ENV);
        // The deploy under test changes every service and runs both migrations; they only add to the schema, so a
        // failed health check may move traffic back past them. A short timeout makes the hung migration end the deploy.
        world.commitReplace("mm-deploy.yaml", "    timeoutSeconds: 900\n", "    timeoutSeconds: 2\n    compatibleWithPrevious: true\n", "migrations");
        world.commitReplace("mm-deploy.yaml", "    timeoutSeconds: 600\n", "    timeoutSeconds: 2\n    compatibleWithPrevious: true\n", "migrations");
        world.commit("shared/version.txt", "2\n", "shared: v2");
        world.commit("mesh/VERSION", "2\n", "mesh: v2");
    }

    @AfterEach
    void stop() {
        world.close();
    }

    static String repo(DeployWorld w, String image) {
        return w.env(ENV).registry().image(image);
    }

    static String job(DeployWorld w, String job) {
        EnvironmentSpec env = w.env(ENV);
        return FakeCloudRun.jobName(env.projectId(), env.region(), job + env.serviceNameSuffix());
    }

    @ParameterizedTest
    @EnumSource(Fault.class)
    void theDeployStopsThereLeavesNothingUnhealthyRecordsWhatRanAndARerunConverges(Fault fault) throws Exception {
        Checkout checkout = world.checkout("cli:ana@laptop");
        long executionsBefore = world.migrationExecutions();
        DeployRun.Progress armAt = (FlowStep step) -> {
            if (!step.isGate() && step.phase().id().equals(fault.armedAt)) {
                fault.arm.accept(world);
            }
        };

        assertThatThrownBy(() -> checkout.deploy(ENV, Checkout.noTerminal(), armAt)).isInstanceOf(DeployException.class);

        for (String name : world.names()) {
            String service = world.serviceName(world.env(ENV), name);
            assertThat(world.health(service, world.cloud.cloudRun.servingRevision(service)))
                    .as(name + " serves from a healthy revision after " + fault).isEqualTo(DeployWorld.Health.HEALTHY);
        }
        String release = checkout.journal(ENV).release();
        ReleaseRecord record = world.records(ENV).stream().filter(r -> r.id().equals(release)).findFirst().orElseThrow();
        if (fault.failedPhase == null) {
            // The release was live and recorded when the alias failed: it stays the succeeded release.
            assertThat(record.succeeded()).isTrue();
        } else {
            assertThat(record.outcome().failedPhase()).as("the phase the record names").isEqualTo(fault.failedPhase);
            long ran = world.migrationExecutions() - executionsBefore;
            assertThat(record.migrations()).as("every migration execution that ran is in the record").hasSize((int) ran);
            if (fault == Fault.MIGRATION_FAILS || fault == Fault.MIGRATION_TIMES_OUT) {
                assertThat(record.migrations()).extracting(MigrationRun::result).contains(fault == Fault.MIGRATION_FAILS ? "FAILED" : "TIMED_OUT");
            }
        }
        assertThat(world.leaseOf(ENV)).as("the lease is given back").isNull();

        world.cloud.faults.clear();
        world.cloud.cloudBuild.outcome(repo(world, "agent-service"), FakeCloudBuild.Outcome.SUCCESS);
        world.cloud.cloudBuild.outcome(repo(world, "users-service"), FakeCloudBuild.Outcome.SUCCESS);
        world.cloud.cloudBuild.outcome(repo(world, "mesh-gateway"), FakeCloudBuild.Outcome.SUCCESS);
        world.cloud.cloudRun.outcome(job(world, "migrate-habits"), FakeCloudRun.ExecutionOutcome.SUCCEED);
        world.cloud.cloudRun.outcome(job(world, "migrate-main"), FakeCloudRun.ExecutionOutcome.SUCCEED);
        world.heal();

        DeployRun.Result rerun = checkout.deploy(ENV);

        assertThat(rerun.status()).isEqualTo("SUCCEEDED");
        world.assertConverged(ENV);
        world.assertNoSecretLeaked();
    }
}
