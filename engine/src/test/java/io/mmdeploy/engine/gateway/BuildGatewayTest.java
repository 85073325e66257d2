package io.mmdeploy.engine.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.cloudbuild.v1.Build;
import io.mmdeploy.engine.config.EnvironmentSpec;
import io.mmdeploy.engine.gcp.GoogleClients;
import io.mmdeploy.engine.gcp.fake.CapturedLog;
import io.mmdeploy.engine.gcp.fake.FakeContextUploader;
import io.mmdeploy.engine.gcp.fake.FakeGoogleCloud;
import io.mmdeploy.engine.gcp.fake.Fixtures;
import io.mmdeploy.engine.images.BuildImages;
import io.mmdeploy.engine.images.CloudBuildImageBuilder;
import io.mmdeploy.engine.images.ImageCatalog;
import io.mmdeploy.engine.images.ImageRef;
import io.mmdeploy.engine.port.local.LocalWorkspace;
import io.mmdeploy.engine.run.ParallelRunner;
import io.mmdeploy.engine.serviceurls.ServiceUrls;
import io.mmdeploy.engine.serviceurls.ServiceUrlsSecret;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BuildGatewayTest {
    static final EnvironmentSpec ENV = Fixtures.staging();

    @TempDir
    Path repo;

    FakeGoogleCloud cloud;
    GoogleClients clients;
    CapturedLog log = new CapturedLog();
    ServiceUrlsSecret secret;
    BuildGateway gateway;

    @BeforeEach
    void start() throws Exception {
        Files.createDirectories(repo.resolve("mesh"));
        Files.writeString(repo.resolve("mesh/Dockerfile"), "FROM node:20-slim\n");
        cloud = FakeGoogleCloud.start();
        clients = cloud.clients(Fixtures.PROJECT, Duration.ofMinutes(1));
        secret = new ServiceUrlsSecret(clients.secretManager(), log.mask, log.stage(ServiceUrlsSecret.STAGE));
        BuildImages images = new BuildImages(new CloudBuildImageBuilder(clients.cloudBuild(), new FakeContextUploader(), new LocalWorkspace(repo),
                Fixtures.PROJECT, Fixtures.REGION, "b", Duration.ofSeconds(10)),
                new ImageCatalog(clients.artifactRegistry()), new ParallelRunner(2), log.stage(BuildImages.STAGE));
        gateway = new BuildGateway(secret, images, log.stage(BuildGateway.STAGE));
    }

    @AfterEach
    void stop() {
        clients.close();
        cloud.close();
    }

    static Map<String, String> urls(String variant) {
        Map<String, String> urls = new LinkedHashMap<>();
        for (String s : Fixtures.SERVICES) {
            urls.put(s, "https://" + s + "-service-staging-" + variant + ".a.run.app");
        }
        return urls;
    }

    @Test
    void passesEveryServiceUrlAsABuildArg() throws Exception {
        secret.publish(ENV, new ServiceUrls(urls("v1")));

        ImageRef image = gateway.run(Fixtures.config(), ENV, "mesh-tree-1", List.of("staging-abc1234"));

        assertThat(image.built()).isTrue();
        assertThat(image.repository()).isEqualTo(ENV.registry().image("mesh-gateway"));
        Build build = cloud.cloudBuild.submitted().get(0);
        assertThat(build.getSteps(0).getArgsList())
                .containsSubsequence("--build-arg", "AGENT_SERVICE_URL=https://agent-service-staging-v1.a.run.app")
                .containsSubsequence("--build-arg", "USERS_SERVICE_URL=https://users-service-staging-v1.a.run.app")
                .containsSubsequence("--build-arg", "NODE_ENV=production")
                .containsSubsequence("-f", "Dockerfile");
    }

    @Test
    void sameSourcesAndUrlsReuseTheImageButNewUrlsRebuildIt() throws Exception {
        secret.publish(ENV, new ServiceUrls(urls("v1")));
        ImageRef first = gateway.run(Fixtures.config(), ENV, "mesh-tree-1", List.of("staging-1"));
        ImageRef same = gateway.run(Fixtures.config(), ENV, "mesh-tree-1", List.of("staging-2"));
        secret.publish(ENV, new ServiceUrls(urls("v2")));
        ImageRef moved = gateway.run(Fixtures.config(), ENV, "mesh-tree-1", List.of("staging-3"));

        assertThat(same.built()).isFalse();
        assertThat(same.digest()).isEqualTo(first.digest());
        assertThat(moved.built()).isTrue();
        assertThat(cloud.cloudBuild.submitted()).hasSize(2);
    }

    @Test
    void aMissingUrlNamesTheServiceAndTheBuildArg() {
        Map<String, String> partial = urls("v1");
        partial.remove("meals");
        secret.publish(ENV, new ServiceUrls(partial));

        assertThatThrownBy(() -> gateway.run(Fixtures.config(), ENV, "mesh-tree-1", List.of("staging-1")))
                .hasMessageContaining("The secret service-urls-staging has no URL for meals (build arg MEALS_SERVICE_URL, key meals_service_url)");
        assertThat(cloud.cloudBuild.submitted()).isEmpty();
    }

    @Test
    void aMissingSecretStopsBeforeAnyBuild() {
        assertThatThrownBy(() -> gateway.run(Fixtures.config(), ENV, "mesh-tree-1", List.of("staging-1")))
                .hasMessageContaining("has no version in project mindmirror-staging");
        assertThat(cloud.cloudBuild.submitted()).isEmpty();
    }
}
