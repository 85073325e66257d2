package io.mmdeploy.engine.serviceurls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.cloud.run.v2.ServicesGrpc;
import com.google.cloud.secretmanager.v1.SecretManagerServiceGrpc;
import io.grpc.Status;
import io.mmdeploy.engine.config.EnvironmentSpec;
import io.mmdeploy.engine.config.ServiceSpec;
import io.mmdeploy.engine.diagnostics.DeployException;
import io.mmdeploy.engine.gcp.GoogleClients;
import io.mmdeploy.engine.gcp.fake.CapturedLog;
import io.mmdeploy.engine.gcp.fake.FakeGoogleCloud;
import io.mmdeploy.engine.gcp.fake.Fixtures;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ServiceUrlsSecretTest {
    static final EnvironmentSpec ENV = Fixtures.staging();

    FakeGoogleCloud cloud;
    GoogleClients clients;
    CapturedLog log = new CapturedLog();
    ServiceUrlsSecret secret;

    @BeforeEach
    void start() throws Exception {
        cloud = FakeGoogleCloud.start();
        clients = cloud.clients(Fixtures.PROJECT, Duration.ofMinutes(1));
        secret = new ServiceUrlsSecret(clients.secretManager(), log.mask, log.stage(ServiceUrlsSecret.STAGE));
        for (String s : Fixtures.SERVICES) {
            cloud.cloudRun.addService(Fixtures.PROJECT, Fixtures.REGION, s + "-service-staging", "https://" + s + "-service-staging-x7.a.run.app");
        }
    }

    @AfterEach
    void stop() {
        clients.close();
        cloud.close();
    }

    ServiceUrls fromCloudRun() {
        List<ServiceSpec> specs = Fixtures.SERVICES.stream().map(Fixtures::service).toList();
        return new CloudRunUrls(clients.services()).read(ENV, specs);
    }

    @Test
    void readsEachServiceUrlFromCloudRun() {
        ServiceUrls urls = fromCloudRun();

        assertThat(urls.byService()).hasSize(7).containsEntry("agent", "https://agent-service-staging-x7.a.run.app");
    }

    @Test
    void publishCreatesTheSecretInTheEnvironmentsProjectThenAddsVersions() {
        String v1 = secret.publish(ENV, fromCloudRun());
        String v2 = secret.publish(ENV, fromCloudRun());

        assertThat(v1).isEqualTo("projects/mindmirror-staging/secrets/service-urls-staging/versions/1");
        assertThat(v2).endsWith("/versions/2");
        assertThat(cloud.secretManager.secret(Fixtures.PROJECT, "service-urls-staging").orElseThrow().getLabelsMap())
                .containsEntry("managed-by", "mm-deploy");
        assertThat(cloud.secretManager.exists("mindmirror-69", "service-urls-staging")).isFalse();
        assertThat(cloud.secretManager.payloads(Fixtures.PROJECT, "service-urls-staging").get(0))
                .contains("\"agent_service_url\":\"https://agent-service-staging-x7.a.run.app\"");
    }

    @Test
    void readsBackWhatWasPublished() {
        ServiceUrls published = fromCloudRun();
        secret.publish(ENV, published);

        assertThat(secret.read(ENV, Fixtures.SERVICES)).isEqualTo(published);
    }

    @Test
    void aMissingSecretSaysWhichStepWritesIt() {
        assertThatThrownBy(() -> secret.read(ENV, Fixtures.SERVICES)).isInstanceOfSatisfying(DeployException.class, e -> {
            assertThat(e.diagnostics().get(0).summary()).isEqualTo("The secret service-urls-staging has no version in project mindmirror-staging");
            assertThat(e.diagnostics().get(0).detail()).contains("mmdeploy service-urls -e staging");
        });
    }

    @Test
    void aMalformedSecretIsRefusedWithoutShowingItsPayload() {
        String payload = "agent_service_url=https://agent-private-token-9f8e7d.run.app";
        cloud.secretManager.put(Fixtures.PROJECT, "service-urls-staging", payload);

        assertThatThrownBy(() -> secret.read(ENV, Fixtures.SERVICES))
                .isInstanceOfSatisfying(DeployException.class, e -> {
                    assertThat(e.diagnostics().get(0).summary()).contains("(version 1) is not a JSON object of service URLs");
                    assertThat(e.getMessage()).doesNotContain("agent-private-token-9f8e7d");
                });
        assertThat(log.text()).doesNotContain("agent-private-token-9f8e7d");
    }

    @Test
    void aJsonSecretWithANonUrlValueIsMalformed() {
        cloud.secretManager.put(Fixtures.PROJECT, "service-urls-staging", "{\"agent_service_url\": 42}");

        assertThatThrownBy(() -> secret.read(ENV, Fixtures.SERVICES)).hasMessageContaining("is not a JSON object of service URLs");
    }

    @Test
    void permissionDeniedNamesTheSecretAndTheRole() {
        cloud.faults.failAlways(SecretManagerServiceGrpc.getAccessSecretVersionMethod(), Status.PERMISSION_DENIED
                .withDescription("Permission 'secretmanager.versions.access' denied"));

        assertThatThrownBy(() -> secret.read(ENV, Fixtures.SERVICES))
                .hasMessageContaining("Cannot read the secret service-urls-staging: PERMISSION_DENIED")
                .hasMessageContaining("projects/mindmirror-staging/secrets/service-urls-staging/versions/latest")
                .hasMessageContaining("roles/secretmanager.secretAccessor");
    }

    @Test
    void transientUnavailableOnAReadIsRetriedByTheClient() {
        secret.publish(ENV, fromCloudRun());
        cloud.faults.failNext(SecretManagerServiceGrpc.getAccessSecretVersionMethod(), Status.UNAVAILABLE, 1);

        assertThat(secret.read(ENV, Fixtures.SERVICES).byService()).hasSize(7);
        assertThat(cloud.faults.calls(SecretManagerServiceGrpc.getAccessSecretVersionMethod())).isEqualTo(2);
    }

    @Test
    void transientUnavailableOnAddingAVersionIsNotRetried() {
        cloud.faults.failNext(SecretManagerServiceGrpc.getAddSecretVersionMethod(), Status.UNAVAILABLE, 1);

        assertThatThrownBy(() -> secret.publish(ENV, fromCloudRun()))
                .hasMessageContaining("Cannot add a version to the secret service-urls-staging: UNAVAILABLE");
        assertThat(cloud.faults.calls(SecretManagerServiceGrpc.getAddSecretVersionMethod())).isEqualTo(1);
        assertThat(cloud.secretManager.payloads(Fixtures.PROJECT, "service-urls-staging")).isEmpty();
    }

    @Test
    void aServiceWithoutUrlIsAClearError() {
        cloud.cloudRun.addService(Fixtures.PROJECT, Fixtures.REGION, "meals-service-staging", "");

        assertThatThrownBy(this::fromCloudRun).hasMessageContaining("The Cloud Run service meals-service-staging has no URL yet");
    }

    @Test
    void unavailableOnGetServiceIsRetried() {
        cloud.faults.failNext(ServicesGrpc.getGetServiceMethod(), Status.UNAVAILABLE, 1);

        assertThat(fromCloudRun().byService()).hasSize(7);
        assertThat(cloud.faults.calls(ServicesGrpc.getGetServiceMethod())).isEqualTo(8);
    }

    @Test
    void payloadsNeverReachTheLog() {
        Map<String, String> urls = new LinkedHashMap<>(fromCloudRun().byService());
        secret.publish(ENV, new ServiceUrls(urls));
        String payload = cloud.secretManager.payloads(Fixtures.PROJECT, "service-urls-staging").get(0);
        ServiceUrls read = secret.read(ENV, Fixtures.SERVICES);

        assertThat(read.byService()).isEqualTo(urls);
        assertThat(log.lines()).isNotEmpty().noneMatch(line -> line.contains(payload) || line.contains("run.app"));
        // And anything that did try to log it would be masked.
        log.stage("x").info("payload: " + payload);
        assertThat(log.lines()).noneMatch(line -> line.contains(payload));
    }
}
