package io.mmdeploy.engine.serviceurls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.cloud.run.v2.ServicesGrpc;
import io.grpc.Status;
import io.mmdeploy.engine.config.ServiceSpec;
import io.mmdeploy.engine.diagnostics.DeployException;
import io.mmdeploy.engine.gcp.GoogleClients;
import io.mmdeploy.engine.gcp.fake.FakeGoogleCloud;
import io.mmdeploy.engine.gcp.fake.Fixtures;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class CloudRunUrlsTest {
    private static final List<ServiceSpec> SERVICES = Fixtures.SERVICES.stream().map(Fixtures::service).toList();

    @Test
    void theServicesAreAskedAtOnceAndTheirUrlsComeInConfigOrder() throws Exception {
        try (FakeGoogleCloud cloud = FakeGoogleCloud.startAnsweringOnOwnThreads();
                GoogleClients clients = cloud.clients(Fixtures.PROJECT, Duration.ofMinutes(1))) {
            for (String s : Fixtures.SERVICES) {
                cloud.cloudRun.addService(Fixtures.PROJECT, Fixtures.REGION, s + "-service-staging", "https://" + s + ".run.app");
            }
            // No answer before all seven asked: one after another, the first would wait out the 2 s alone.
            cloud.faults.gather(ServicesGrpc.getGetServiceMethod(), SERVICES.size(), Duration.ofSeconds(2));

            ServiceUrls urls = new CloudRunUrls(clients.services()).read(Fixtures.staging(), SERVICES);

            assertThat(cloud.faults.gathered(ServicesGrpc.getGetServiceMethod())).isTrue();
            assertThat(urls.byService().keySet()).containsExactlyElementsOf(Fixtures.SERVICES);
            assertThat(urls.url("habits").orElseThrow()).isEqualTo("https://habits.run.app");
        }
    }

    @Test
    void aNewServiceHasItsDeterministicUrlAndNoExistingUrls() throws Exception {
        try (FakeGoogleCloud cloud = FakeGoogleCloud.start(); GoogleClients clients = cloud.clients(Fixtures.PROJECT, Duration.ofMinutes(1))) {
            for (String s : Fixtures.SERVICES) {
                if (!s.equals("meals")) {
                    cloud.cloudRun.addService(Fixtures.PROJECT, Fixtures.REGION, s + "-service-staging", "https://" + s + ".run.app");
                }
            }
            CloudRunUrls urls = new CloudRunUrls(clients.services());

            ServiceUrls expected = urls.expected(Fixtures.staging(), SERVICES);

            assertThat(expected.url("meals").orElseThrow()).isEqualTo(CloudRunUrls.deterministic(Fixtures.staging(), "meals-service-staging"));
            assertThat(expected.url("users").orElseThrow()).isEqualTo("https://users.run.app");
            assertThat(urls.existing(Fixtures.staging(), SERVICES)).isEmpty();
            assertThatThrownBy(() -> urls.read(Fixtures.staging(), SERVICES)).isInstanceOfSatisfying(DeployException.class, e ->
                    assertThat(e.diagnostics().get(0).summary()).contains("meals-service-staging"));
        }
    }

    @Test
    void theFirstFailureInConfigOrderIsTheOneReported() throws Exception {
        try (FakeGoogleCloud cloud = FakeGoogleCloud.start(); GoogleClients clients = cloud.clients(Fixtures.PROJECT, Duration.ofMinutes(1))) {
            for (String s : Fixtures.SERVICES) {
                cloud.cloudRun.addService(Fixtures.PROJECT, Fixtures.REGION, s + "-service-staging", "https://" + s + ".run.app");
            }
            cloud.faults.failAlways(ServicesGrpc.getGetServiceMethod(), Status.PERMISSION_DENIED);

            assertThatThrownBy(() -> new CloudRunUrls(clients.services()).existing(Fixtures.staging(), SERVICES))
                    .isInstanceOfSatisfying(DeployException.class, e -> assertThat(e.diagnostics().get(0).summary())
                            .contains(SERVICES.get(0).cloudRunService(Fixtures.staging())));
        }
    }
}
