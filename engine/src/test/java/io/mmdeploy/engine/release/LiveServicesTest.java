package io.mmdeploy.engine.release;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.cloud.run.v2.ServicesGrpc;
import io.grpc.Status;
import io.mmdeploy.engine.diagnostics.DeployException;
import io.mmdeploy.engine.gcp.GoogleClients;
import io.mmdeploy.engine.gcp.fake.CapturedLog;
import io.mmdeploy.engine.gcp.fake.FakeGoogleCloud;
import io.mmdeploy.engine.gcp.fake.Fixtures;
import io.mmdeploy.engine.run.ParallelRunner;
import io.mmdeploy.engine.traffic.CloudRunTraffic;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class LiveServicesTest {
    /** The seven services and the gateway. */
    private static final int SERVICES = Fixtures.SERVICES.size() + 1;

    private static LiveServices live(FakeGoogleCloud cloud, GoogleClients clients) {
        cloud.cloudRun.addService(Fixtures.PROJECT, Fixtures.REGION, "mesh-gateway-staging", "https://mesh.run.app");
        for (String s : Fixtures.SERVICES) {
            cloud.cloudRun.addService(Fixtures.PROJECT, Fixtures.REGION, s + "-service-staging", "https://" + s + ".run.app");
        }
        CloudRunTraffic traffic = new CloudRunTraffic(clients.services(), clients.revisions(), new CapturedLog().stage("traffic"), Duration.ofMinutes(1));
        return new LiveServices(clients.services(), traffic, new ParallelRunner(16));
    }

    @Test
    void theServicesAreReadAtOnceAndComeInConfigOrderThenTheGateway() throws Exception {
        try (FakeGoogleCloud cloud = FakeGoogleCloud.startAnsweringOnOwnThreads();
                GoogleClients clients = cloud.clients(Fixtures.PROJECT, Duration.ofMinutes(1))) {
            LiveServices live = live(cloud, clients);
            // No answer before all eight asked: one after another, the first would wait out the 2 s alone.
            cloud.faults.gather(ServicesGrpc.getGetServiceMethod(), SERVICES, Duration.ofSeconds(2));

            List<LiveService> all = live.readAll(Fixtures.config(), Fixtures.staging());

            assertThat(cloud.faults.gathered(ServicesGrpc.getGetServiceMethod())).isTrue();
            assertThat(all).extracting(LiveService::name).containsExactly("agent", "journal", "habits", "meals", "movements", "practices",
                    "users", "mesh");
            assertThat(all.get(2).url()).isEqualTo("https://habits.run.app");
        }
    }

    @Test
    void everyServiceThatCannotBeReadIsNamedInConfigOrder() throws Exception {
        try (FakeGoogleCloud cloud = FakeGoogleCloud.start(); GoogleClients clients = cloud.clients(Fixtures.PROJECT, Duration.ofMinutes(1))) {
            LiveServices live = live(cloud, clients);
            cloud.faults.failAlways(ServicesGrpc.getGetServiceMethod(), Status.PERMISSION_DENIED);

            assertThatThrownBy(() -> live.readAll(Fixtures.config(), Fixtures.staging())).isInstanceOfSatisfying(DeployException.class, e -> {
                assertThat(e.diagnostics()).hasSize(SERVICES);
                assertThat(e.diagnostics().get(0).summary()).contains("agent-service-staging");
                assertThat(e.diagnostics().get(SERVICES - 1).summary()).contains("mesh-gateway-staging");
            });
        }
    }
}
