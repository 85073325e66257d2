package io.mmdeploy.engine.traffic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.cloud.run.v2.ServiceName;
import com.google.cloud.run.v2.ServicesGrpc;
import com.google.cloud.run.v2.TrafficTarget;
import com.google.cloud.run.v2.TrafficTargetAllocationType;
import io.grpc.Status;
import io.mmdeploy.engine.gcp.GoogleClients;
import io.mmdeploy.engine.gcp.fake.CapturedLog;
import io.mmdeploy.engine.gcp.fake.FakeCloudRun;
import io.mmdeploy.engine.gcp.fake.FakeGoogleCloud;
import io.mmdeploy.engine.gcp.fake.Fixtures;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class CloudRunTrafficTest {
    static final ServiceName AGENT = ServiceName.of(Fixtures.PROJECT, Fixtures.REGION, "agent-service-staging");
    static final Instant T0 = Instant.parse("2026-11-01T10:00:00Z");

    FakeGoogleCloud cloud;
    GoogleClients clients;
    CloudRunTraffic traffic;

    @BeforeEach
    void start() throws Exception {
        cloud = FakeGoogleCloud.start();
        clients = cloud.clients(Fixtures.PROJECT, Duration.ofMinutes(1));
        cloud.cloudRun.addService(Fixtures.PROJECT, Fixtures.REGION, "agent-service-staging", "https://agent.run.app");
        String svc = AGENT.toString();
        cloud.cloudRun.addRevision(svc, "agent-service-staging-00001-aaa", "img@sha256:1", true, T0);
        cloud.cloudRun.addRevision(svc, "agent-service-staging-00002-bbb", "img@sha256:2", true, T0.plusSeconds(60));
        cloud.cloudRun.addRevision(svc, "agent-service-staging-00003-ccc", "img@sha256:3", false, T0.plusSeconds(120));
        cloud.cloudRun.addRevision(svc, "agent-service-staging-00004-ddd", "img@sha256:4", true, T0.plusSeconds(180));
        traffic = new CloudRunTraffic(clients.services(), clients.revisions(), new CapturedLog().stage(CloudRunTraffic.STAGE),
                Duration.ofSeconds(5));
    }

    @AfterEach
    void stop() {
        clients.close();
        cloud.close();
    }

    @Test
    void listsRevisionsNewestFirstWithImageAndReadiness() {
        assertThat(traffic.revisions(AGENT)).extracting(RevisionInfo::name, RevisionInfo::image, RevisionInfo::ready)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("agent-service-staging-00004-ddd", "img@sha256:4", true),
                        org.assertj.core.groups.Tuple.tuple("agent-service-staging-00003-ccc", "img@sha256:3", false),
                        org.assertj.core.groups.Tuple.tuple("agent-service-staging-00002-bbb", "img@sha256:2", true),
                        org.assertj.core.groups.Tuple.tuple("agent-service-staging-00001-aaa", "img@sha256:1", true));
        assertThat(traffic.revisions(AGENT).get(0).created()).isEqualTo(T0.plusSeconds(180));
    }

    @Test
    void theLastGoodRevisionSkipsOnesThatAreNotReady() {
        assertThat(traffic.lastGoodBefore(AGENT, "agent-service-staging-00004-ddd")).map(RevisionInfo::name)
                .contains("agent-service-staging-00002-bbb");
        assertThat(traffic.lastGoodBefore(AGENT, "agent-service-staging-00001-aaa")).isEmpty();
        assertThatThrownBy(() -> traffic.lastGoodBefore(AGENT, "nope")).hasMessageContaining("No revision nope in agent-service-staging");
    }

    @Test
    void movesAllTrafficToARevisionAndBackToLatest() throws Exception {
        TrafficMove move = traffic.routeAllTo(AGENT, "agent-service-staging-00002-bbb");

        assertThat(move.before()).containsExactly("LATEST=100");
        assertThat(move.after()).isEqualTo("agent-service-staging-00002-bbb");
        TrafficTarget now = cloud.cloudRun.service(AGENT.toString()).getTraffic(0);
        assertThat(now.getType()).isEqualTo(TrafficTargetAllocationType.TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION);
        assertThat(now.getRevision()).isEqualTo("agent-service-staging-00002-bbb");
        assertThat(now.getPercent()).isEqualTo(100);

        TrafficMove back = traffic.routeToLatest(AGENT);
        assertThat(back.before()).containsExactly("agent-service-staging-00002-bbb=100");
        assertThat(cloud.cloudRun.service(AGENT.toString()).getTrafficList()).singleElement()
                .extracting(TrafficTarget::getType).isEqualTo(TrafficTargetAllocationType.TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST);
    }

    @Test
    void aRevisionThatIsNotReadyGetsNoTraffic() {
        assertThatThrownBy(() -> traffic.routeAllTo(AGENT, "agent-service-staging-00003-ccc"))
                .hasMessageContaining("Revision agent-service-staging-00003-ccc is not ready")
                .hasMessageContaining("Traffic was not moved");
        assertThat(cloud.faults.calls(ServicesGrpc.getUpdateServiceMethod())).isZero();
        assertThat(cloud.cloudRun.service(AGENT.toString()).getTraffic(0).getType())
                .isEqualTo(TrafficTargetAllocationType.TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST);
    }

    @Test
    void unavailableOnUpdateIsNotRetriedAndLeavesTrafficAlone() {
        cloud.faults.failNext(ServicesGrpc.getUpdateServiceMethod(), Status.UNAVAILABLE.withDescription("backend busy"), 1);

        assertThatThrownBy(() -> traffic.routeAllTo(AGENT, "agent-service-staging-00002-bbb"))
                .hasMessageContaining("Cannot move the traffic of agent-service-staging: UNAVAILABLE");
        assertThat(cloud.faults.calls(ServicesGrpc.getUpdateServiceMethod())).isEqualTo(1);
        assertThat(cloud.cloudRun.service(AGENT.toString()).getTraffic(0).getType())
                .isEqualTo(TrafficTargetAllocationType.TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST);
    }

    @Test
    void unavailableOnReadingTheServiceIsRetried() throws Exception {
        cloud.faults.failNext(ServicesGrpc.getGetServiceMethod(), Status.UNAVAILABLE, 1);

        traffic.routeToLatest(AGENT);

        assertThat(cloud.faults.calls(ServicesGrpc.getGetServiceMethod())).isEqualTo(2);
    }

    @Test
    void routeToPreviousSkipsTheBrokenRevisionsAndTakesTheLastReadyOneBeforeTheNewest() throws Exception {
        TrafficMove move = traffic.routeToPrevious(AGENT);

        assertThat(move.after()).isEqualTo("agent-service-staging-00002-bbb");
        assertThat(cloud.cloudRun.service(AGENT.toString()).getTraffic(0).getRevision()).isEqualTo("agent-service-staging-00002-bbb");
    }

    @Test
    void configNamesMapToTheEnvironmentsCloudRunServices() {
        var config = Fixtures.config();
        assertThat(CloudRunTraffic.serviceName(config, Fixtures.staging(), "agent")).isEqualTo(AGENT);
        assertThat(CloudRunTraffic.serviceName(config, Fixtures.staging(), "mesh").getService()).isEqualTo("mesh-gateway-staging");
        assertThat(CloudRunTraffic.serviceName(config, config.environment("production"), "agent").toString())
                .isEqualTo("projects/mindmirror-69/locations/us-east4/services/agent-service");
        assertThatThrownBy(() -> CloudRunTraffic.serviceName(config, Fixtures.staging(), "agnet"))
                .hasMessageContaining("Unknown service \"agnet\"").hasMessageContaining("and the gateway mesh");
    }

    @Test
    void aMissingServiceIsNamed() {
        ServiceName ghost = ServiceName.of(Fixtures.PROJECT, Fixtures.REGION, "ghost");
        assertThatThrownBy(() -> traffic.revisions(ghost)).hasMessageContaining("Cannot list the revisions of ghost: NOT_FOUND");
        assertThat(FakeCloudRun.serviceName(Fixtures.PROJECT, Fixtures.REGION, "ghost")).isEqualTo(ghost.toString());
    }
}
