package io.mmdeploy.engine.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.cloud.run.v2.ServicesGrpc;
import io.mmdeploy.engine.gcp.GoogleClients;
import io.mmdeploy.engine.gcp.fake.FakeGoogleCloud;
import io.mmdeploy.engine.gcp.fake.Fixtures;
import io.mmdeploy.engine.serviceurls.CloudRunUrls;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class HealthTargetsTest {

    @Test
    void everyServiceAndTheGatewayAtTheirCloudRunUrlsWithTheirOwnHealthSpec() throws Exception {
        try (FakeGoogleCloud cloud = FakeGoogleCloud.start(); GoogleClients clients = cloud.clients(Fixtures.PROJECT, Duration.ofMinutes(1))) {
            addServices(cloud);
            CloudRunUrls urls = new CloudRunUrls(clients.services());

            List<HealthTarget> all = HealthTargets.of(Fixtures.config(), Fixtures.staging(), urls, null, "staging-abc1234");
            assertThat(all).hasSize(8);
            HealthTarget mesh = all.get(7);
            assertThat(mesh.endpoint()).isEqualTo("https://mesh.run.app/healthcheck");
            assertThat(mesh.spec().attempts()).isEqualTo(3);
            assertThat(mesh.spec().delay()).isEqualTo(Duration.ofSeconds(10));
            assertThat(all.get(0).endpoint()).isEqualTo("https://agent.run.app/health");
            assertThat(all).allMatch(t -> t.expectedVersion().equals("staging-abc1234"));

            assertThat(HealthTargets.of(Fixtures.config(), Fixtures.staging(), urls, List.of("users", "mesh"), null))
                    .extracting(HealthTarget::name).containsExactly("users", "mesh");
            assertThatThrownBy(() -> HealthTargets.of(Fixtures.config(), Fixtures.staging(), urls, List.of("nope"), null))
                    .hasMessageContaining("Nothing to check");
        }
    }

    @Test
    void theUrlsOfAllTargetsAreAskedAtOnce() throws Exception {
        try (FakeGoogleCloud cloud = FakeGoogleCloud.startAnsweringOnOwnThreads();
                GoogleClients clients = cloud.clients(Fixtures.PROJECT, Duration.ofMinutes(1))) {
            addServices(cloud);
            // No answer before all eight asked: one after another, the first would wait out the 2 s alone.
            cloud.faults.gather(ServicesGrpc.getGetServiceMethod(), Fixtures.SERVICES.size() + 1, Duration.ofSeconds(2));

            List<HealthTarget> all = HealthTargets.of(Fixtures.config(), Fixtures.staging(), new CloudRunUrls(clients.services()), null, null);

            assertThat(cloud.faults.gathered(ServicesGrpc.getGetServiceMethod())).isTrue();
            assertThat(all).extracting(HealthTarget::endpoint).first().isEqualTo("https://agent.run.app/health");
        }
    }

    private static void addServices(FakeGoogleCloud cloud) {
        for (String s : Fixtures.SERVICES) {
            cloud.cloudRun.addService(Fixtures.PROJECT, Fixtures.REGION, s + "-service-staging", "https://" + s + ".run.app");
        }
        cloud.cloudRun.addService(Fixtures.PROJECT, Fixtures.REGION, "mesh-gateway-staging", "https://mesh.run.app/");
    }
}
