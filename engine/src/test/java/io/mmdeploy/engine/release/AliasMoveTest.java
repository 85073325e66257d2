package io.mmdeploy.engine.release;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.devtools.artifactregistry.v1.ArtifactRegistryGrpc;
import io.mmdeploy.engine.config.EnvironmentSpec;
import io.mmdeploy.engine.gcp.GoogleClients;
import io.mmdeploy.engine.gcp.fake.CapturedLog;
import io.mmdeploy.engine.gcp.fake.FakeGoogleCloud;
import io.mmdeploy.engine.gcp.fake.Fixtures;
import io.mmdeploy.engine.images.ImageCatalog;
import io.mmdeploy.engine.release.ReleaseRecord.ImageRecord;
import io.mmdeploy.engine.release.ReleaseRecord.Kind;
import io.mmdeploy.engine.release.ReleaseRecord.Outcome;
import io.mmdeploy.engine.release.ReleaseRecord.ServiceRelease;
import io.mmdeploy.engine.run.ParallelRunner;
import io.mmdeploy.engine.source.ImageTags;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class AliasMoveTest {
    @Test
    void everyImagesAliasIsMovedAtOnceToItsLiveDigest() throws Exception {
        EnvironmentSpec env = Fixtures.staging();
        try (FakeGoogleCloud cloud = FakeGoogleCloud.startAnsweringOnOwnThreads();
                GoogleClients clients = cloud.clients(Fixtures.PROJECT, Duration.ofMinutes(1))) {
            List<ServiceRelease> serving = Fixtures.SERVICES.stream().map(s -> new ServiceRelease(s, s + "-service-staging",
                    new ImageRecord(env.registry().image(s + "-service"), null, "sha256:" + s), s + "-service-staging-00002", null)).toList();
            ReleaseRecord release = ReleaseRecord.started("20261201-090000-abc1234", Kind.DEPLOY, env, null, Instant.EPOCH)
                    .withServing(serving, null).finished(Outcome.succeeded(), Instant.EPOCH);
            // No answer before all seven asked: one after another, the first would wait out the 2 s alone.
            cloud.faults.gather(ArtifactRegistryGrpc.getCreateTagMethod(), serving.size(), Duration.ofSeconds(2));

            List<AliasMove.MovedAlias> moved = new AliasMove(new ImageCatalog(clients.artifactRegistry()), new CapturedLog().stage(AliasMove.STAGE),
                    new ParallelRunner(16)).apply(Fixtures.config(), env, release);

            assertThat(cloud.faults.gathered(ArtifactRegistryGrpc.getCreateTagMethod())).isTrue();
            assertThat(moved).extracting(AliasMove.MovedAlias::service).containsExactlyElementsOf(Fixtures.SERVICES);
            String alias = new ImageTags(env).alias();
            for (String s : Fixtures.SERVICES) {
                assertThat(cloud.artifactRegistry.digestOf(env.registry().image(s + "-service"), alias)).contains("sha256:" + s);
            }
        }
    }
}
