package io.mmdeploy.engine.release;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.cloud.run.v2.Service;
import com.google.cloud.run.v2.ServiceName;
import com.google.cloud.run.v2.TrafficTarget;
import com.google.cloud.run.v2.TrafficTargetAllocationType;
import io.mmdeploy.engine.gcp.fake.Fixtures;
import io.mmdeploy.engine.release.DriftCheck.DriftReport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DriftCheckTest {
    ReleaseWorld world;

    @BeforeEach
    void start() throws Exception {
        world = ReleaseWorld.start(Fixtures.config(), Fixtures.staging());
    }

    @AfterEach
    void stop() {
        world.close();
    }

    DriftReport check() {
        return world.releases.drift().check(world.config, world.env, ReleaseHistory.read(world.store));
    }

    @Test
    void aConsoleRollbackIsDriftAndTheNextDeployIsClean() throws Exception {
        world.deploy(1);
        ReleaseRecord second = world.deploy(2);
        assertThat(check().drifted()).isFalse();
        assertThat(check().inSync()).hasSize(8);

        // Someone sends agent back to its first revision in the console.
        world.traffic.routeAllTo(ServiceName.parse(world.serviceName("agent")), world.revision("agent", 1));
        DriftReport report = check();

        assertThat(report.drifted()).isTrue();
        assertThat(report.release()).isEqualTo(second.id());
        assertThat(report.drifts()).singleElement().satisfies(d -> {
            assertThat(d.service()).isEqualTo("agent");
            assertThat(d.reason()).isEqualTo("traffic is not on the recorded revision");
            assertThat(d.expected()).startsWith(world.revision("agent", 2) + " (").contains(world.digest("agent", 2));
            assertThat(d.live()).startsWith(world.revision("agent", 1) + "=100 (").contains(world.digest("agent", 1));
        });
        assertThat(report.text()).contains("1 service(s) of staging differ from release " + second.id());
        assertThat(world.log.text()).contains("WARNING: agent: traffic is not on the recorded revision");

        world.deploy(3);
        assertThat(check().drifted()).isFalse();
    }

    @Test
    void aServiceTheReleaseNeverRecordedIsDrift() throws Exception {
        world.deploy(1);
        // A deploy outside the pipeline: a new revision that takes the traffic (LATEST).
        world.cloud.cloudRun.addRevision(world.serviceName("meals"), "meals-service-staging-manual", world.repository("meals") + ":manual",
                true, world.clock.instant());

        assertThat(check().drifts()).singleElement().satisfies(d -> {
            assertThat(d.service()).isEqualTo("meals");
            assertThat(d.live()).startsWith("meals-service-staging-manual=100");
        });
    }

    @Test
    void aTrafficSplitLeftBehindIsDrift() throws Exception {
        world.deploy(1);
        world.deploy(2);
        Service users = world.clients.services().getService(world.serviceName("users"));
        Service split = users.toBuilder().clearTraffic()
                .addTraffic(revisionTarget(world.revision("users", 2), 90))
                .addTraffic(revisionTarget(world.revision("users", 1), 10))
                .build();
        world.clients.services().updateServiceAsync(split).get();

        assertThat(check().drifts()).singleElement().satisfies(d -> {
            assertThat(d.service()).isEqualTo("users");
            assertThat(d.live()).contains(world.revision("users", 2) + "=90", world.revision("users", 1) + "=10");
        });
    }

    private static TrafficTarget revisionTarget(String revision, int percent) {
        return TrafficTarget.newBuilder()
                .setType(TrafficTargetAllocationType.TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION)
                .setRevision(revision).setPercent(percent).build();
    }

    @Test
    void withoutASucceededReleaseThereIsNothingToCompareWith() {
        world.recorder().start(world.env, world.commit(1));

        assertThatThrownBy(this::check).hasMessageContaining("No succeeded release in staging to compare with");
    }
}
