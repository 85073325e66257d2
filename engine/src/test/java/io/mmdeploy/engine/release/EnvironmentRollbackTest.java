package io.mmdeploy.engine.release;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.cloud.run.v2.ServiceName;
import com.google.cloud.run.v2.ServicesGrpc;
import io.mmdeploy.engine.config.DeployConfig;
import io.mmdeploy.engine.config.MigrationSpec;
import io.mmdeploy.engine.diagnostics.DeployException;
import io.mmdeploy.engine.gcp.fake.Fixtures;
import io.mmdeploy.engine.release.EnvironmentRollback.RollbackResult;
import io.mmdeploy.engine.release.ReleaseRecord.Kind;
import io.mmdeploy.engine.release.ReleaseRecord.MigrationRun;
import io.mmdeploy.engine.release.ReleaseRecord.Outcome;
import io.mmdeploy.engine.release.RollbackPlan.Direction;
import io.mmdeploy.engine.release.RollbackPlan.Move;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class EnvironmentRollbackTest {
    ReleaseWorld world;
    ReleaseRecord first;
    ReleaseRecord second;

    @BeforeEach
    void start() throws Exception {
        world = ReleaseWorld.start(Fixtures.config(), Fixtures.staging());
        first = world.deploy(1);
        // The second deploy keeps the users and habits images, so its migrations run the same images as the first's.
        second = world.deploy(2, "users", "habits");
    }

    @AfterEach
    void stop() {
        world.close();
    }

    RollbackResult rollBack(RollbackRequest request) throws InterruptedException {
        EnvironmentRollback rollback = world.rollback();
        return rollback.execute(world.config, world.env, rollback.plan(world.config, world.env, request));
    }

    /** The world's config with the named jobs marked compatibleWithPrevious (expand-only). */
    DeployConfig compatible(String... jobs) {
        DeployConfig c = world.config;
        Set<String> marked = Set.of(jobs);
        List<MigrationSpec> migrations = c.migrations().stream()
                .map(m -> new MigrationSpec(m.job(), m.database(), m.service(), m.timeout(), marked.contains(m.job()))).toList();
        return new DeployConfig(c.file(), c.app(), c.services(), c.gateway(), migrations, c.environments());
    }

    /** An execution of the job with the image {@code service} has in deploy {@code n}. */
    MigrationRun ran(String job, String service, int n) {
        return new MigrationRun(job, "projects/" + Fixtures.PROJECT + "/locations/us-east4/jobs/" + job + "/executions/" + job + "-" + n,
                "SUCCEEDED", world.repository(service) + "@" + world.digest(service, n));
    }

    /** Deploy {@code n} started and put a new agent revision live; it has not finished (what an automatic revert undoes). */
    ReleaseRecord deployInProgress(int n) throws InterruptedException {
        world.clock.advance(Duration.ofMinutes(5));
        ReleaseRecord started = world.recorder().start(world.env, world.commit(n));
        String digest = world.digest("agent", n);
        world.cloud.artifactRegistry.push(world.repository("agent"), digest, List.of("staging-" + n));
        world.cloud.cloudRun.addRevision(world.serviceName("agent"), world.revision("agent", n), world.repository("agent") + "@" + digest, true,
                world.clock.instant());
        world.traffic.routeToLatest(ServiceName.parse(world.serviceName("agent")));
        return started;
    }

    RollbackPlan revertPlan(DeployConfig config, ReleaseRecord run, List<MigrationRun> itsMigrations) {
        return world.rollback().plan(config, world.env,
                new RollbackRequest("previous", null, false, new RollbackRequest.Revert(run.id(), second.id(), itsMigrations)));
    }

    int storedVersions() {
        return world.cloud.secretManager.payloads(Fixtures.PROJECT, "mm-releases-staging").size();
    }

    @Test
    void everyServiceAndTheGatewayGoBackToThePreviousReleaseGatewayFirst() throws Exception {
        RollbackPlan plan = world.rollback().plan(world.config, world.env, new RollbackRequest("previous", null, false));

        assertThat(plan.toRelease()).isEqualTo(first.id());
        assertThat(plan.fromRelease()).isEqualTo(second.id());
        assertThat(plan.direction()).isEqualTo(Direction.BACK);
        assertThat(plan.moves()).hasSize(8);
        assertThat(plan.moves().get(0).service()).isEqualTo("mesh");
        assertThat(plan.changing()).extracting(Move::service).doesNotContain("users", "habits").hasSize(6);

        RollbackResult result = world.rollback().execute(world.config, world.env, plan);

        for (String name : world.names()) {
            assertThat(world.serving(name)).as(name).isEqualTo(world.revision(name, 1));
        }
        assertThat(result.moved()).hasSize(6);
        List<String> movedLines = world.log.lines().stream().filter(l -> l.startsWith("[traffic]") && !l.endsWith("-> LATEST=100")).toList();
        assertThat(movedLines.get(0)).startsWith("[traffic] mesh-gateway-staging: traffic");
        ReleaseRecord record = result.record();
        assertThat(record.kind()).isEqualTo(Kind.ROLLBACK);
        assertThat(record.succeeded()).isTrue();
        assertThat(record.rollback().toRelease()).isEqualTo(first.id());
        assertThat(record.rollback().fromRelease()).isEqualTo(second.id());
        assertThat(record.commit()).isEqualTo(first.commit());
        assertThat(record.serving("agent").orElseThrow().image()).isEqualTo(first.serving("agent").orElseThrow().image());
        assertThat(ReleaseHistory.read(world.store).newest().orElseThrow()).isEqualTo(record);
        assertThat(ReleaseHistory.read(world.store).rolledBackBy(second.id())).contains(record);
        // The registry's alias follows what is live again.
        assertThat(world.aliasDigest("agent")).isEqualTo(world.digest("agent", 1));
        assertThat(world.aliasDigest("mesh")).isEqualTo(world.digest("mesh", 1));
    }

    @Test
    void rollingForwardAgainMovesTheGatewayLast() throws Exception {
        rollBack(new RollbackRequest("previous", null, false));
        world.clock.advance(Duration.ofMinutes(10));

        RollbackPlan plan = world.rollback().plan(world.config, world.env, new RollbackRequest(second.id(), null, false));

        assertThat(plan.direction()).isEqualTo(Direction.FORWARD);
        assertThat(plan.moves().get(plan.moves().size() - 1).service()).isEqualTo("mesh");
        world.rollback().execute(world.config, world.env, plan);
        assertThat(world.serving("mesh")).isEqualTo(world.revision("mesh", 2));
    }

    @Test
    void previousAfterARollbackIsTheSuccessBeforeTheRestoredRelease() throws Exception {
        ReleaseRecord third = world.deploy(3, "users", "habits");
        rollBack(new RollbackRequest("previous", null, false));
        assertThat(world.serving("agent")).isEqualTo(world.revision("agent", 2));

        RollbackPlan again = world.rollback().plan(world.config, world.env, new RollbackRequest("previous", null, false));

        assertThat(again.toRelease()).isEqualTo(first.id());
        assertThat(third.id()).isNotEqualTo(again.toRelease());
    }

    @Test
    void oneServiceGoesToANamedRevisionAndNothingElseMoves() throws Exception {
        RollbackResult result = rollBack(new RollbackRequest("agent-service-staging-00001-rev", "agent", false));

        assertThat(world.serving("agent")).isEqualTo("agent-service-staging-00001-rev");
        assertThat(world.serving("journal")).isEqualTo(world.revision("journal", 2));
        assertThat(world.serving("mesh")).isEqualTo(world.revision("mesh", 2));
        assertThat(result.moved()).hasSize(1);
        assertThat(result.record().rollback().toRelease()).isNull();
        assertThat(result.record().serving("agent").orElseThrow().revision()).isEqualTo("agent-service-staging-00001-rev");
        assertThat(result.record().serving("journal").orElseThrow().revision()).isEqualTo(world.revision("journal", 2));
    }

    @Test
    void aGoneOrUnreadyTargetRevisionRefusesTheWholeRollbackBeforeAnythingMoves() throws Exception {
        world.cloud.cloudRun.removeRevision(world.serviceName("meals"), world.revision("meals", 1));
        world.cloud.cloudRun.addRevision(world.serviceName("practices"), world.revision("practices", 1),
                world.repository("practices") + "@" + world.digest("practices", 1), false, ReleaseWorld.START);
        int updatesBefore = world.cloud.faults.calls(ServicesGrpc.getUpdateServiceMethod());
        int versionsBefore = storedVersions();

        assertThatThrownBy(() -> rollBack(new RollbackRequest("previous", null, false)))
                .isInstanceOfSatisfying(DeployException.class, e -> assertThat(e.diagnostics()).extracting(d -> d.summary()).containsExactly(
                        "Revision meals-service-staging-00001-rev of meals-service-staging no longer exists",
                        "Revision practices-service-staging-00001-rev of practices-service-staging is not ready",
                        "Rollback refused: no traffic was moved"));

        assertThat(world.cloud.faults.calls(ServicesGrpc.getUpdateServiceMethod())).isEqualTo(updatesBefore);
        assertThat(storedVersions()).isEqualTo(versionsBefore);
        for (String name : world.names()) {
            assertThat(world.serving(name)).isEqualTo(world.revision(name, name.equals("users") || name.equals("habits") ? 1 : 2));
        }
    }

    @Test
    void aRollbackAcrossANewerMigrationIsRefusedUnlessForced() throws Exception {
        // The third deploy builds a new users image, so migrate-main runs new migrations.
        ReleaseRecord third = world.deploy(3, "habits");
        int updatesBefore = world.cloud.faults.calls(ServicesGrpc.getUpdateServiceMethod());

        assertThatThrownBy(() -> world.rollback().plan(world.config, world.env, new RollbackRequest("previous", null, false)))
                .isInstanceOfSatisfying(DeployException.class, e -> {
                    assertThat(e.diagnostics().get(0).summary()).isEqualTo("Going back to release " + second.id() + " would run its code on a newer schema");
                    assertThat(e.diagnostics().get(0).detail()).contains("release " + third.id() + " ran migrate-main-staging")
                            .contains(world.digest("users", 3)).doesNotContain("migrate-habits-staging (");
                });
        assertThat(world.cloud.faults.calls(ServicesGrpc.getUpdateServiceMethod())).isEqualTo(updatesBefore);

        RollbackResult forced = rollBack(new RollbackRequest("previous", null, true));

        assertThat(forced.record().succeeded()).isTrue();
        assertThat(forced.record().rollback().forced()).isTrue();
        assertThat(world.serving("users")).isEqualTo(world.revision("users", 1));
        assertThat(world.log.text()).contains("forced across migrations: release " + third.id());
    }

    @Test
    void aMigrationMarkedCompatibleWithPreviousDoesNotBlockTheRollback() throws Exception {
        // As above: the third deploy runs migrate-main with a new users image; here the config says it only adds to the schema.
        world.deploy(3, "habits");
        DeployConfig expandOnly = compatible("migrate-main");

        RollbackPlan plan = world.rollback().plan(expandOnly, world.env, new RollbackRequest("previous", null, false));
        RollbackResult result = world.rollback().execute(expandOnly, world.env, plan);

        assertThat(plan.toRelease()).isEqualTo(second.id());
        assertThat(result.record().succeeded()).isTrue();
        assertThat(result.record().rollback().forced()).isFalse();
        assertThat(world.serving("users")).isEqualTo(world.revision("users", 1));
        assertThat(world.log.text()).doesNotContain("forced across migrations");
        // Marking the other job does not help: the rule is per migration.
        assertThatThrownBy(() -> world.rollback().plan(compatible("migrate-habits"), world.env, new RollbackRequest(second.id(), null, false)))
                .hasMessageContaining("ran migrate-main-staging");
    }

    @Test
    void anAutomaticRevertCountsOnlyItsRunsMigrationsAndIsRefusedNamingOneThatIsNotCompatible() throws Exception {
        ReleaseRecord third = deployInProgress(3);
        List<MigrationRun> itsMigrations = List.of(ran("migrate-main-staging", "users", 3), ran("migrate-habits-staging", "habits", 3));
        int updatesBefore = world.cloud.faults.calls(ServicesGrpc.getUpdateServiceMethod());

        assertThatThrownBy(() -> revertPlan(compatible("migrate-habits"), third, itsMigrations))
                .isInstanceOfSatisfying(DeployException.class, e -> {
                    assertThat(e.diagnostics().get(0).summary())
                            .isEqualTo("Going back to release " + second.id() + " would run its code on a newer schema");
                    assertThat(e.diagnostics().get(0).detail()).contains("release " + third.id() + " ran migrate-main-staging")
                            .contains(world.digest("users", 3)).doesNotContain("migrate-habits-staging");
                });
        assertThat(world.cloud.faults.calls(ServicesGrpc.getUpdateServiceMethod())).isEqualTo(updatesBefore);
        assertThat(world.serving("agent")).isEqualTo(world.revision("agent", 3));

        // With every one of the run's migrations compatible, the revert goes back to the run's baseline by itself.
        RollbackPlan plan = revertPlan(compatible("migrate-main", "migrate-habits"), third, itsMigrations);
        RollbackResult result = world.rollback().execute(world.config, world.env, plan);

        assertThat(plan.toRelease()).isEqualTo(second.id());
        assertThat(plan.changing()).extracting(Move::service).containsExactly("agent");
        assertThat(result.record().rollback().forced()).isFalse();
        assertThat(world.serving("agent")).isEqualTo(world.revision("agent", 2));
    }

    @Test
    void anEarlierFailedDeploysMigrationsDoNotBlockALaterRunsAutomaticRevertToItsOwnBaseline() throws Exception {
        // Deploy 3 ran migrate-main with a new users image, then failed before moving traffic; release 2 stayed live on that schema.
        world.clock.advance(Duration.ofMinutes(5));
        ReleaseRecord failedStart = world.recorder().start(world.env, world.commit(3));
        Map<String, io.mmdeploy.engine.images.ImageRef> images = new LinkedHashMap<>();
        world.names().forEach(n -> images.put(n, world.image(n)));
        ReleaseRecord failed = world.recorder().finish(failedStart, world.config, world.env,
                new DeployEvidence(images, List.of(), List.of(), List.of(ran("migrate-main-staging", "users", 3))),
                Outcome.failed("services-apply", "the apply failed"));
        assertThat(ReleaseHistory.read(world.store).find(failed.id()).orElseThrow().migrations()).hasSize(1);
        // Deploy 4 starts from release 2, runs no migration, and its health check fails.
        ReleaseRecord fourth = deployInProgress(4);

        RollbackPlan plan = revertPlan(world.config, fourth, List.of());
        RollbackResult result = world.rollback().execute(world.config, world.env, plan);

        assertThat(plan.toRelease()).isEqualTo(second.id());
        assertThat(result.record().succeeded()).isTrue();
        assertThat(result.record().rollback().forced()).isFalse();
        assertThat(world.serving("agent")).isEqualTo(world.revision("agent", 2));
        // A rollback a person asks for still counts every migration since its target, the failed deploy's included.
        deployInProgress(5);
        assertThatThrownBy(() -> world.rollback().plan(world.config, world.env, new RollbackRequest(second.id(), null, false)))
                .hasMessageContaining("release " + failed.id() + " ran migrate-main-staging");
    }

    @Test
    void aRollbackWhereNoMigrationChangedIsNotForced() throws Exception {
        RollbackResult result = rollBack(new RollbackRequest(first.id(), null, false));

        assertThat(result.record().rollback().forced()).isFalse();
    }

    @Test
    void aliasesMoveOnlyAfterTheRollbackSucceeded() throws Exception {
        world.unhealthy.add(world.cloudRunService("journal"));

        RollbackResult failed = rollBack(new RollbackRequest("previous", null, false));

        assertThat(failed.record().succeeded()).isFalse();
        assertThat(failed.record().outcome().describe()).isEqualTo("failed at health");
        assertThat(failed.record().outcome().detail()).isEqualTo("not healthy: journal");
        assertThat(failed.aliases()).isEmpty();
        assertThat(world.aliasDigest("agent")).isEqualTo(world.digest("agent", 2));
        assertThatThrownBy(() -> world.aliases().apply(world.config, world.env, failed.record())).isInstanceOf(IllegalStateException.class);

        world.unhealthy.clear();
        RollbackResult healthy = rollBack(new RollbackRequest(first.id(), null, false));

        assertThat(healthy.record().succeeded()).isTrue();
        assertThat(healthy.aliases()).hasSize(8);
        assertThat(world.aliasDigest("agent")).isEqualTo(world.digest("agent", 1));
    }

    @Test
    void aRevisionNoRecordKnowsIsRefusedUnlessForced() throws Exception {
        world.cloud.cloudRun.addRevision(world.serviceName("agent"), "agent-service-staging-hotfix", world.repository("agent") + ":hotfix",
                true, ReleaseWorld.START.minus(Duration.ofDays(1)));

        assertThatThrownBy(() -> world.rollback().plan(world.config, world.env, new RollbackRequest("agent-service-staging-hotfix", "agent", false)))
                .hasMessageContaining("No release record names revision agent-service-staging-hotfix of agent");

        RollbackResult forced = rollBack(new RollbackRequest("agent-service-staging-hotfix", "agent", true));
        assertThat(world.serving("agent")).isEqualTo("agent-service-staging-hotfix");
        assertThat(forced.record().serving("agent").orElseThrow().image().tag()).isEqualTo("hotfix");
    }

    @Test
    void theTargetMustHaveSucceeded() throws Exception {
        ReleaseRecord crashed = world.recorder().start(world.env, world.commit(3));

        assertThatThrownBy(() -> world.rollback().plan(world.config, world.env, new RollbackRequest(crashed.id(), null, false)))
                .hasMessageContaining("Release " + crashed.id() + " did not succeed (in progress)");
        assertThatThrownBy(() -> world.rollback().plan(world.config, world.env, new RollbackRequest("20200101-000000-nope", null, false)))
                .hasMessageContaining("No release 20200101-000000-nope in staging").hasMessageContaining(crashed.id());
    }

    @Test
    void aTrafficMoveThatFailsHalfWayIsRecordedAsFailed() throws Exception {
        world.cloud.faults.failAlways(ServicesGrpc.getUpdateServiceMethod(), io.grpc.Status.PERMISSION_DENIED);

        assertThatThrownBy(() -> rollBack(new RollbackRequest("previous", null, false)))
                .isInstanceOfSatisfying(DeployException.class, e -> assertThat(e.diagnostics().get(e.diagnostics().size() - 1).summary())
                        .startsWith("The rollback stopped half-way"));
        ReleaseRecord newest = ReleaseHistory.read(world.store).newest().orElseThrow();
        assertThat(newest.kind()).isEqualTo(Kind.ROLLBACK);
        assertThat(newest.outcome().describe()).isEqualTo("failed at traffic");
        assertThat(world.serving("agent")).isEqualTo(world.revision("agent", 2));
        assertThat(ServiceName.parse(world.serviceName("agent")).getService()).isEqualTo("agent-service-staging");
    }
}
