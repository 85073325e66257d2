package io.mmdeploy.engine.release;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.google.cloud.run.v2.ServicesGrpc;
import com.google.cloud.secretmanager.v1.SecretManagerServiceGrpc;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mmdeploy.engine.diagnostics.DeployException;
import io.mmdeploy.engine.gcp.fake.Fixtures;
import io.mmdeploy.engine.images.ImageRef;
import io.mmdeploy.engine.release.ReleaseRecord.Approval;
import io.mmdeploy.engine.release.ReleaseRecord.Kind;
import io.mmdeploy.engine.release.ReleaseRecord.MigrationRun;
import io.mmdeploy.engine.release.ReleaseRecord.Outcome;
import io.mmdeploy.engine.release.ReleaseRecord.PlanRecord;
import io.mmdeploy.engine.release.ReleaseRecord.ServiceRelease;
import io.mmdeploy.engine.release.ReleaseRecord.Status;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ReleaseRecorderTest {
    static final String SECRET = "mm-releases-staging";
    ReleaseWorld world;

    @BeforeEach
    void start() throws Exception {
        world = ReleaseWorld.start(Fixtures.config(), Fixtures.staging());
    }

    @AfterEach
    void stop() {
        world.close();
    }

    List<String> payloads() {
        return world.cloud.secretManager.payloads(Fixtures.PROJECT, SECRET);
    }

    @Test
    void aDeployIsRecordedInProgressAtItsStartAndFinalisedUnderTheSameIdAtItsEnd() throws Exception {
        ReleaseRecord started = world.recorder().start(world.env, world.commit(1));

        assertThat(payloads()).hasSize(1);
        assertThat(payloads().get(0)).contains("\"id\":\"" + started.id() + "\"", "\"status\":\"in_progress\"").doesNotContain("finishedAt");
        assertThat(started.id()).isEqualTo("20261102-090000-" + world.commit(1).shortSha());

        world.clock.advance(Duration.ofMinutes(5));
        ReleaseRecord done = world.deploy(2);

        assertThat(payloads()).hasSize(3);
        ReleaseHistory history = ReleaseHistory.read(world.store);
        assertThat(history.newestFirst()).extracting(ReleaseRecord::id).containsExactly(done.id(), started.id());
        ReleaseRecord stored = history.find(done.id()).orElseThrow();
        assertThat(stored).isEqualTo(done);
        assertThat(stored.kind()).isEqualTo(Kind.DEPLOY);
        assertThat(stored.outcome().status()).isEqualTo(Status.SUCCEEDED);
        assertThat(stored.finishedAt()).isEqualTo(stored.startedAt().plus(Duration.ofMinutes(5)));
        assertThat(stored.commit().sha()).isEqualTo(world.commit(2).sha());
        assertThat(stored.services()).hasSize(7);
        ServiceRelease agent = stored.serving("agent").orElseThrow();
        assertThat(agent.revision()).isEqualTo("agent-service-staging-00002-rev");
        assertThat(agent.image().digest()).isEqualTo(world.digest("agent", 2));
        assertThat(agent.image().tag()).isEqualTo("staging-2");
        assertThat(agent.image().repository()).isEqualTo("us-east4-docker.pkg.dev/mindmirror-staging/mindmirror/agent-service");
        assertThat(agent.url()).endsWith("/agent-service-staging");
        assertThat(stored.gateway().revision()).isEqualTo("mesh-gateway-staging-00002-rev");
        assertThat(stored.migrations()).extracting(MigrationRun::job).containsExactly("migrate-main-staging", "migrate-habits-staging");
        assertThat(stored.migrations().get(0).image()).isEqualTo(world.image("users").ref());
        assertThat(stored.approvals()).extracting(Approval::approver).containsExactly("auto");
        // In the environment's own project only.
        assertThat(world.cloud.secretManager.exists("mindmirror-69", SECRET)).isFalse();
        assertThat(world.cloud.secretManager.secret(Fixtures.PROJECT, SECRET).orElseThrow().getLabelsMap())
                .containsEntry("managed-by", "mm-deploy");
    }

    @Test
    void aRunReadsEachRecordVersionOnceAndAfterThatOnlyWhatWasWrittenSince() throws Exception {
        for (int i = 1; i <= 3; i++) {
            world.deploy(i);
            world.clock.advance(Duration.ofMinutes(5));
        }
        Map<Long, ReleaseRecord> known = new java.util.concurrent.ConcurrentHashMap<>();
        SecretManagerReleaseStore first = new SecretManagerReleaseStore(world.clients.secretManager(), world.env, world.log.mask,
                new io.mmdeploy.engine.run.ParallelRunner(4), world.log.stage(ReleaseRecorder.STAGE), known);
        int before = world.cloud.faults.calls(SecretManagerServiceGrpc.getAccessSecretVersionMethod());

        List<ReleaseRecord> all = first.readAll();

        assertThat(world.cloud.faults.calls(SecretManagerServiceGrpc.getAccessSecretVersionMethod()) - before).as("latest, then the 5 older ones")
                .isEqualTo(6);
        world.deploy(4);
        SecretManagerReleaseStore later = new SecretManagerReleaseStore(world.clients.secretManager(), world.env, world.log.mask,
                new io.mmdeploy.engine.run.ParallelRunner(4), world.log.stage(ReleaseRecorder.STAGE), known);
        int middle = world.cloud.faults.calls(SecretManagerServiceGrpc.getAccessSecretVersionMethod());

        List<ReleaseRecord> again = later.readAll();

        assertThat(world.cloud.faults.calls(SecretManagerServiceGrpc.getAccessSecretVersionMethod()) - middle)
                .as("latest and the one version written since the last read").isEqualTo(2);
        assertThat(again).isEqualTo(world.store.readAll()).hasSize(all.size() + 2).startsWith(all.toArray(ReleaseRecord[]::new));
    }

    @Test
    void aCrashedDeployStaysVisibleInProgressAndCountsAsAFailedChangeOnceAnotherStarts() throws Exception {
        world.deploy(1);
        ReleaseRecord crashed = world.recorder().start(world.env, world.commit(2));
        // The process dies here: no finish.

        ReleaseHistory history = ReleaseHistory.read(world.store);
        assertThat(history.find(crashed.id()).orElseThrow().outcome().status()).isEqualTo(Status.IN_PROGRESS);
        assertThat(history.failedChange(history.find(crashed.id()).orElseThrow())).isFalse();

        world.clock.advance(Duration.ofMinutes(30));
        world.deploy(3);
        ReleaseHistory later = ReleaseHistory.read(world.store);
        assertThat(later.find(crashed.id()).orElseThrow().inProgress()).isTrue();
        assertThat(later.failedChange(later.find(crashed.id()).orElseThrow())).isTrue();
        assertThat(later.newestFirst()).hasSize(3);
    }

    @Test
    void aFailedDeployNamesNoRevisionForAnImageThatNeverServed() throws Exception {
        world.deploy(1);
        ReleaseRecord started = world.recorder().start(world.env, world.commit(2));
        ImageRef unserved = new ImageRef("agent", world.repository("agent"), List.of("staging-2"), world.digest("agent", 2), true);

        ReleaseRecord failed = world.recorder().finish(started, world.config, world.env,
                new DeployEvidence(Map.of("agent", unserved), List.of(), List.of(), List.of()), Outcome.failed("migrations", "migrate-main-staging failed"));

        assertThat(failed.outcome().describe()).isEqualTo("failed at migrations");
        assertThat(failed.serving("agent").orElseThrow().revision()).isNull();
        assertThat(failed.serving("agent").orElseThrow().image().digest()).isEqualTo(world.digest("agent", 2));
        // What kept serving is recorded as it is.
        assertThat(failed.serving("journal").orElseThrow().revision()).isEqualTo("journal-service-staging-00001-rev");
    }

    @Test
    void aFailedDeployIsRecordedEvenWhenCloudRunCannotBeRead() throws Exception {
        ReleaseRecord started = world.recorder().start(world.env, world.commit(1));
        world.cloud.faults.failAlways(ServicesGrpc.getGetServiceMethod(), io.grpc.Status.PERMISSION_DENIED
                    .withDescription("Permission 'run.services.get' denied"));

        ReleaseRecord failed = world.recorder().finish(started, world.config, world.env,
                new DeployEvidence(Map.of(), List.of(), List.of(), List.of()), Outcome.failed("services-apply", "tofu apply failed"));

        assertThat(ReleaseHistory.read(world.store).find(started.id()).orElseThrow()).isEqualTo(failed);
        assertThat(failed.services()).hasSize(7).allSatisfy(s -> assertThat(s.revision()).isNull());
        assertThat(world.log.text()).contains("Cannot read the live services, so the record names no revisions");
    }

    @Test
    void aRecordOverTheSecretManagerLimitIsRefusedNotTruncated() throws Exception {
        ReleaseRecord started = world.recorder().start(world.env, world.commit(1));
        ObjectNode huge = JsonNodeFactory.instance.objectNode().put("changes", "x".repeat(70_000));

        assertThatThrownBy(() -> world.recorder().finish(started, world.config, world.env,
                new DeployEvidence(Map.of(), List.of(new PlanRecord("services", huge, "sha256:0")), List.of(), List.of()), Outcome.succeeded()))
                .isInstanceOfSatisfying(DeployException.class, e -> {
                    assertThat(e.diagnostics().get(0).summary()).contains("over Secret Manager's 65536-byte limit");
                    assertThat(e.diagnostics().get(0).detail()).contains("never truncated");
                });
        assertThat(payloads()).hasSize(1);
    }

    @Test
    void aRecordHoldingASecretValueIsRefusedAndNoStoredRecordHoldsOne() throws Exception {
        String password = "pg-pass-9f8e7d6c5b";
        String token = "ya29.a0AfH6SMBx-token";
        world.log.mask.add(password);
        world.log.mask.add(token);
        world.deploy(1);
        ReleaseRecord started = world.recorder().start(world.env, world.commit(2));
        ObjectNode leaky = JsonNodeFactory.instance.objectNode().put("DATABASE_URL", "postgres://app:" + password + "@db/main");

        assertThatThrownBy(() -> world.recorder().finish(started, world.config, world.env,
                new DeployEvidence(Map.of(), List.of(new PlanRecord("services", leaky, "sha256:1")), List.of(), List.of()), Outcome.succeeded()))
                .isInstanceOfSatisfying(DeployException.class, e -> {
                    assertThat(e.diagnostics().get(0).summary()).endsWith("contains a secret value");
                    assertThat(e.getMessage()).doesNotContain(password);
                });
        assertThat(world.log.text()).doesNotContain(password);
        // Scan every stored version of the release secret for every registered secret value.
        assertThat(payloads()).hasSize(3).allSatisfy(p -> assertThat(p).doesNotContain(password).doesNotContain(token));
    }

    @Test
    void aRecordOfANewerSchemaIsRefusedWithAClearError() {
        world.cloud.secretManager.put(Fixtures.PROJECT, SECRET, "{\"schemaVersion\": 2, \"id\": \"x\"}");

        assertThatThrownBy(() -> world.store.readAll()).hasMessageContaining("has schema version 2")
                .hasMessageContaining("mm-releases-staging version 1");
    }

    @Test
    void aRecordOfAnotherEnvironmentIsNeverWrittenHere() {
        ReleaseRecord production = ReleaseRecord.started("x", Kind.DEPLOY, Fixtures.config().environment("production"), null, ReleaseWorld.START);

        assertThatThrownBy(() -> world.store.append(production)).isInstanceOf(IllegalArgumentException.class);
        assertThat(payloads()).isEmpty();
    }

    @Test
    void aMindMirrorRecordUsesASmallPartOfThePayloadLimit() throws Exception {
        world.deploy(1);
        int bytes = payloads().get(1).getBytes(StandardCharsets.UTF_8).length;

        // Printed for docs/releases.md: what is left for the two plan summaries.
        System.out.println("finalised record of 7 services + gateway, 2 migrations, 1 approval, no plan summary: " + bytes + " bytes");
        assertThat(bytes).isLessThan(SecretManagerReleaseStore.MAX_PAYLOAD_BYTES / 8);
    }

    @Test
    void anEnvironmentWithoutRecordsHasAnEmptyHistory() {
        assertThat(ReleaseHistory.read(world.store).newestFirst()).isEmpty();
    }
}
