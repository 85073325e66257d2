package io.mmdeploy.engine.world;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mmdeploy.engine.config.EnvironmentSpec;
import io.mmdeploy.engine.config.ServiceSpec;
import io.mmdeploy.engine.diagnostics.DeployException;
import io.mmdeploy.engine.gcp.GoogleClients;
import io.mmdeploy.engine.images.ImageRef;
import io.mmdeploy.engine.port.SecretMask;
import io.mmdeploy.engine.promotion.LoopbackRegistry;
import io.mmdeploy.engine.promotion.OciRegistry;
import io.mmdeploy.engine.release.ReleaseRecord;
import io.mmdeploy.engine.release.ReleaseRecord.ImageRecord;
import io.mmdeploy.engine.release.ReleaseRecord.ServiceRelease;
import io.mmdeploy.engine.release.SecretManagerReleaseStore;
import io.mmdeploy.engine.run.ParallelRunner;
import io.mmdeploy.engine.steps.DeploySteps;
import io.mmdeploy.engine.steps.ImagesResult;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Production with {@code promoteFrom: staging, requirePromotion: true}: staging's succeeded release of the commit is
 * copied by digest from staging's registry (staging's token) into production's (production's token), each a loopback
 * registry that accepts only its own environment's token; nothing is built.
 */
class PromotionWorldTest {
    static final String STAGING_RELEASE = "20261130-120000-staging";

    @TempDir
    Path dir;
    DeployWorld world;
    LoopbackRegistry staging;
    LoopbackRegistry production;

    @BeforeEach
    void start() throws Exception {
        world = DeployWorld.start(dir, "main");
        world.commitReplace("mm-deploy.yaml", "    serviceUrlsSecret: service-urls-production\n",
                "    serviceUrlsSecret: service-urls-production\n    promoteFrom: staging\n    requirePromotion: true\n", "production: promote");
        staging = new LoopbackRegistry(DeployWorld.registryToken("staging"));
        production = new LoopbackRegistry(DeployWorld.registryToken("production"));
        world.registries.put("staging", staging.base());
        world.registries.put("production", production.base());
    }

    @AfterEach
    void stop() {
        staging.close();
        production.close();
        world.close();
    }

    /** Pushes an image per service to staging's registry and records a succeeded staging deploy of {@code sha}; service → digest. */
    Map<String, String> stagingDeployed(String sha) {
        EnvironmentSpec env = world.env("staging");
        Map<String, String> digests = new LinkedHashMap<>();
        List<ServiceRelease> services = new ArrayList<>();
        for (ServiceSpec s : world.config().services()) {
            String repository = env.registry().image(s.image());
            String path = repository.substring(repository.indexOf('/') + 1);
            byte[] config = ("{\"os\":\"linux\",\"service\":\"" + s.name() + "\"}").getBytes(StandardCharsets.UTF_8);
            byte[] layer = ("layer of " + s.name()).getBytes(StandardCharsets.UTF_8);
            staging.putBlob(path, config);
            staging.putBlob(path, layer);
            String manifest = "{\"schemaVersion\":2, \"mediaType\":\"" + OciRegistry.OCI_MANIFEST + "\", \"config\":{\"digest\":\""
                    + OciRegistry.sha256(config) + "\",\"size\":" + config.length + "}, \"layers\":[{\"digest\":\"" + OciRegistry.sha256(layer)
                    + "\",\"size\":" + layer.length + "}]}";
            String digest = staging.putManifest(path, "staging-x", OciRegistry.OCI_MANIFEST, manifest.getBytes(StandardCharsets.UTF_8));
            digests.put(s.name(), digest);
            services.add(new ServiceRelease(s.name(), s.cloudRunService(env), new ImageRecord(repository, "staging-x", digest), s.name() + "-00002-w", null));
        }
        ReleaseRecord record = ReleaseRecord.started(STAGING_RELEASE, ReleaseRecord.Kind.DEPLOY, env,
                        new ReleaseRecord.Commit(sha, "staging", DeployWorld.START), DeployWorld.START)
                .withServing(services, null).finished(ReleaseRecord.Outcome.succeeded(), DeployWorld.START);
        try (GoogleClients clients = world.clients(env)) {
            new SecretManagerReleaseStore(clients.secretManager(), env, new SecretMask(), new ParallelRunner(2), world.log.stage("seed")).append(record);
        }
        return digests;
    }

    @Test
    void productionTakesStagingsImagesByDigestAndBuildsNothing() throws Exception {
        Map<String, String> digests = stagingDeployed(world.head());
        DeploySteps steps = world.checkout("jenkins:deploy/main#7").steps();
        steps.preflight("production");
        steps.release("production", DeploySteps.START, null, null, "deploy");

        ImagesResult promoted = steps.promoteImages("production");
        ImagesResult built = steps.buildImages("production", null, null);

        assertThat(promoted.images()).hasSize(digests.size());
        EnvironmentSpec prod = world.env("production");
        for (ImageRef image : promoted.images()) {
            assertThat(image.digest()).as(image.service()).isEqualTo(digests.get(image.service()));
            assertThat(image.repository()).startsWith(prod.registry().toString());
            assertThat(image.promotedFrom().describe()).isEqualTo("promoted from staging release " + STAGING_RELEASE);
            String path = image.repository().substring(image.repository().indexOf('/') + 1);
            assertThat(production.digestOf(path, image.tag())).as(image.service() + " tagged in production").contains(image.digest());
        }
        assertThat(built.built()).isZero();
        assertThat(built.images()).extracting(ImageRef::digest).containsExactlyInAnyOrderElementsOf(digests.values());
        assertThat(world.builds()).as("nothing was built").isZero();
        assertThat(world.log.text()).doesNotContain(DeployWorld.registryToken("staging")).doesNotContain(DeployWorld.registryToken("production"));
    }

    @Test
    void aCommitStagingDidNotDeployIsRefusedNamingTheReleaseItNeeds() throws Exception {
        stagingDeployed("0".repeat(40));
        DeploySteps steps = world.checkout("jenkins:deploy/main#8").steps();
        steps.preflight("production");
        steps.release("production", DeploySteps.START, null, null, "deploy");

        assertThatThrownBy(() -> steps.promoteImages("production"))
                .isInstanceOf(DeployException.class)
                .hasMessageContaining("Refusing to deploy commit " + world.head() + " to production: staging has no successful deploy of it")
                .hasMessageContaining("staging's newest release: " + STAGING_RELEASE + " (succeeded)")
                .hasMessageContaining("Nothing was changed");
        assertThat(production.manifestCount()).isZero();
        assertThatThrownBy(() -> steps.buildImages("production", null, null))
                .as("the build refuses too: promotion did not succeed in this run")
                .hasMessageContaining("Promote images is failed in this run");
        assertThat(world.builds()).isZero();
    }
}
