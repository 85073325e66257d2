package io.mmdeploy.engine.world;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.cloud.run.v2.Execution;
import io.mmdeploy.engine.diagnostics.DeployException;

import io.mmdeploy.engine.flow.FlowGraph;
import io.mmdeploy.engine.flow.FlowStep;
import io.mmdeploy.engine.gcp.fake.FakeCloudBuild;
import io.mmdeploy.engine.release.ReleaseRecord;
import io.mmdeploy.engine.release.ReleaseRecord.MigrationRun;
import io.mmdeploy.engine.steps.DeployRun;
import io.mmdeploy.engine.steps.RunJournal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** mmdeploy deploy runs the flow as its graph: what may overlap does, nothing starts before what it waits for. */
class FlowGraphWorldTest {
    @TempDir
    Path dir;
    DeployWorld world;

    @AfterEach
    void stop() {
        if (world != null) {
            world.close();
        }
    }

    /** "start x" and "end x" as they happen. */
    static final class Events implements DeployRun.Progress {
        final List<String> seen = new CopyOnWriteArrayList<>();

        @Override
        public void starting(FlowStep step) {
            seen.add("start " + step.id());
        }

        @Override
        public void finished(FlowStep step) {
            seen.add("end " + step.id());
        }

        void assertNothingStartedBeforeWhatItWaitsFor(FlowGraph graph) {
            for (FlowGraph.Node node : graph.nodes()) {
                int start = seen.indexOf("start " + node.id());
                if (start < 0) {
                    continue;
                }
                for (String need : node.needs()) {
                    if (!need.equals(FlowGraph.TOFU_INIT)) {
                        assertThat(seen.indexOf("end " + need)).as(node.id() + " starts after " + need + " ended").isBetween(0, start);
                    }
                }
            }
        }
    }

    @Test
    void stagingBuildsTheGatewayBesideTheServicesAndStartsNothingBeforeItsInputs() throws Exception {
        world = DeployWorld.start(dir, "staging");
        world.cloud.cloudBuild.latency(Duration.ofMillis(300));
        Events events = new Events();
        Checkout checkout = world.checkout("cli:ana@laptop");

        DeployRun.Result result = checkout.deploy("staging", Checkout.noTerminal(), events);

        assertThat(result.status()).isEqualTo("SUCCEEDED");
        events.assertNothingStartedBeforeWhatItWaitsFor(FlowGraph.of(checkout.steps().flow("staging")));
        // The gateway's build (300 ms) ran while the services' builds (300 ms) did.
        assertThat(events.seen.indexOf("start gateway-build")).isLessThan(events.seen.indexOf("end build-images"));
        assertThat(world.builds()).isEqualTo(9);
        world.assertConverged("staging");
        world.assertNoSecretLeaked();
    }

    @Test
    void aMigrationStartsOnceItsOwnServicesImageIsReadyWhileTheOtherBuildsGoOn() throws Exception {
        world = DeployWorld.start(dir, "staging");
        // The migrations' services (habits; users for the main database) build at once, every other image takes 500 ms.
        world.cloud.cloudBuild.latency(Duration.ofMillis(500));
        world.cloud.cloudBuild.latency(world.env("staging").registry().image("habits-service"), Duration.ZERO);
        world.cloud.cloudBuild.latency(world.env("staging").registry().image("users-service"), Duration.ZERO);
        Events events = new Events();
        Checkout checkout = world.checkout("cli:ana@laptop");

        DeployRun.Result result = checkout.deploy("staging", Checkout.noTerminal(), events);

        assertThat(result.status()).isEqualTo("SUCCEEDED");
        events.assertNothingStartedBeforeWhatItWaitsFor(FlowGraph.of(checkout.steps().flow("staging")));
        List<String> lines = world.log.lines();
        int agentPushed = indexOf(lines, "agent: pushed");
        assertThat(indexOf(lines, "migrate-habits-staging: execution")).as("habits migrates before agent's build ends").isBetween(0, agentPushed);
        assertThat(indexOf(lines, "migrate-main-staging: execution")).isBetween(0, agentPushed);
        assertThat(indexOf(lines, "migrate-habits-staging: image")).as("and only after its own image was pushed")
                .isGreaterThan(indexOf(lines, "habits: pushed"));
        RunJournal.Entry journal = checkout.journal("staging");
        assertThat(journal.migrations()).extracting(MigrationRun::image)
                .containsExactlyInAnyOrder(journal.imageRefs().get("habits").ref(), journal.imageRefs().get("users").ref());
        world.assertConverged("staging");
        world.assertNoSecretLeaked();
    }

    @Test
    void aMigrationWhoseImageFailsToBuildNeverStarts() throws Exception {
        world = DeployWorld.start(dir, "staging");
        world.cloud.cloudBuild.latency(Duration.ofMillis(200));
        world.cloud.cloudBuild.outcome(world.env("staging").registry().image("habits-service"), FakeCloudBuild.Outcome.STEP_FAILURE);
        Checkout checkout = world.checkout("cli:ana@laptop");

        assertThatThrownBy(() -> checkout.deploy("staging")).isInstanceOf(DeployException.class)
                .hasMessageContaining("habits");

        assertThat(world.cloud.cloudRun.executions()).extracting(Execution::getName).noneMatch(n -> n.contains("migrate-habits"));
        ReleaseRecord record = world.records("staging").stream().filter(r -> r.id().equals(checkout.journal("staging").release()))
                .findFirst().orElseThrow();
        assertThat(record.outcome().failedPhase()).isEqualTo("build-images");
        assertThat(record.migrations()).as("what did run is recorded").hasSize(world.cloud.cloudRun.executions().size());
        assertThat(world.leaseOf("staging")).isNull();
    }

    @Test
    void aMigrationStillWaitingForItsImageWhenAnotherPhaseFailsNeverStarts() throws Exception {
        world = DeployWorld.start(dir, "staging");
        // habits' image takes 400 ms; the gateway's build fails at once, while habits' migration waits for its image.
        world.cloud.cloudBuild.latency(world.env("staging").registry().image("habits-service"), Duration.ofMillis(400));
        world.cloud.cloudBuild.outcome(world.env("staging").registry().image("mesh-gateway"), FakeCloudBuild.Outcome.STEP_FAILURE);
        Checkout checkout = world.checkout("cli:ana@laptop");

        assertThatThrownBy(() -> checkout.deploy("staging")).isInstanceOf(DeployException.class);

        assertThat(world.cloud.cloudRun.executions()).extracting(Execution::getName).noneMatch(n -> n.contains("migrate-habits"));
        assertThat(checkout.journal("staging").phase(io.mmdeploy.engine.flow.Phase.MIGRATIONS).detail())
                .isEqualTo("Migration not started: gateway-build failed");
        ReleaseRecord record = world.records("staging").stream().filter(r -> r.id().equals(checkout.journal("staging").release()))
                .findFirst().orElseThrow();
        assertThat(record.outcome().failedPhase()).as("the phase that failed first").isEqualTo("gateway-build");
        assertThat(record.migrations()).as("what did run is recorded").hasSize(world.cloud.cloudRun.executions().size());

        world.cloud.cloudBuild.outcome(world.env("staging").registry().image("mesh-gateway"), FakeCloudBuild.Outcome.SUCCESS);
        assertThat(checkout.deploy("staging").status()).isEqualTo("SUCCEEDED");
        world.assertConverged("staging");
    }

    static int indexOf(List<String> lines, String text) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(text)) {
                return i;
            }
        }
        return -1;
    }

    @Test
    void ungatedTheGatewayBuiltWithTheServicesCurrentUrlsGoesInTheirOnePlanAndApply() throws Exception {
        world = DeployWorld.start(dir, "staging");
        world.commit("mesh/VERSION", "2\n", "mesh: v2");
        String mesh = world.serviceName(world.env("staging"), "mesh");
        int meshRevisions = world.revisionCount("staging", "mesh");
        Events events = new Events();
        Checkout checkout = world.checkout("cli:ana@laptop");

        DeployRun.Result result = checkout.deploy("staging", Checkout.noTerminal(), events);

        assertThat(result.status()).isEqualTo("SUCCEEDED");
        events.assertNothingStartedBeforeWhatItWaitsFor(FlowGraph.of(checkout.steps().flow("staging")));
        assertThat(events.seen.indexOf("start services-plan")).as("the services' plan waits for the gateway's image")
                .isGreaterThan(events.seen.indexOf("end gateway-build"));
        assertThat(world.tofu.calls.stream().filter(c -> c.startsWith("plan ")).count()).as("one plan").isEqualTo(1);
        assertThat(world.tofu.calls.stream().filter(c -> c.startsWith("apply ")).count()).as("one apply").isEqualTo(1);
        assertThat(world.tofu.calls.stream().filter(c -> c.contains("-target=")).toList()).isEmpty();
        assertThat(world.revisionCount("staging", "mesh")).isEqualTo(meshRevisions + 1);
        assertThat(checkout.journal("staging").phase(io.mmdeploy.engine.flow.Phase.GATEWAY_APPLY).detail())
                .startsWith("applied with the services' plan");
        ReleaseRecord record = world.assertConverged("staging");
        String applied = world.cloud.cloudRun.revisionImage(mesh, world.cloud.cloudRun.servingRevision(mesh));
        assertThat(record.serving("mesh").orElseThrow().image().ref()).isEqualTo(applied)
                .isEqualTo(checkout.journal("staging").imageRefs().get("mesh").ref());
        assertThat(record.approvals()).extracting(ReleaseRecord.Approval::phase).containsExactlyInAnyOrder("services", "gateway");
        assertThat(world.requestsTo(world.cloudRunService(world.env("staging"), "mesh"))).as("the gateway was health-checked").isPositive();
        world.assertNoSecretLeaked();
    }

    @Test
    void aGatewayBuiltWithURLsThatTurnOutWrongIsBuiltAgainAndTheWrongImageIsNeverApplied() throws Exception {
        world = DeployWorld.start(dir, "staging");
        String journal = world.serviceName(world.env("staging"), "journal");
        String mesh = world.serviceName(world.env("staging"), "mesh");
        int meshRevisions = world.revisionCount("staging", "mesh");
        // After the gateway's build, Cloud Run gives journal another URL than the one the gateway was built with (as when
        // the service is created anew). The services' plan sees it, so the gateway keeps its own plan.
        DeployRun.Progress moveUrl = step -> {
            if (step.id().equals("services-plan")) {
                String uri = world.cloud.cloudRun.service(journal).getUri();
                world.cloud.cloudRun.setUri(journal, uri.replace("127.0.0.1", "localhost"));
            }
        };

        DeployRun.Result result = world.checkout("cli:ana@laptop").deploy("staging", Checkout.noTerminal(), moveUrl);

        assertThat(result.status()).isEqualTo("SUCCEEDED");
        assertThat(world.builds()).as("7 services, the worker, the gateway twice").isEqualTo(10);
        assertThat(world.log.text()).contains("The gateway was built with URLs other than the ones the services published");
        assertThat(world.revisionCount("staging", "mesh")).as("one new gateway revision: only the rebuilt image was applied")
                .isEqualTo(meshRevisions + 1);
        ReleaseRecord record = world.assertConverged("staging");
        String applied = world.cloud.cloudRun.revisionImage(mesh, world.cloud.cloudRun.servingRevision(mesh));
        assertThat(record.serving("mesh").orElseThrow().image().ref()).isEqualTo(applied);
        assertThat(world.urlsSecretVersions("staging").get(world.urlsSecretVersions("staging").size() - 1)).contains("localhost");
    }

    @Test
    void aServicesPlanThatReplacesAServiceIsMadeWithoutTheGatewayWhoseURLsItMayChange() throws Exception {
        world = DeployWorld.start(dir, "staging");
        String mesh = world.serviceName(world.env("staging"), "mesh");
        int meshRevisions = world.revisionCount("staging", "mesh");
        // journal is replaced by the services' apply and comes back with another URL than the gateway was built with.
        world.tofu.replaceOf = "google_cloud_run_v2_service.service[\"journal\"]";

        DeployRun.Result result = world.checkout("cli:ana@laptop").deploy("staging");

        assertThat(result.status()).isEqualTo("SUCCEEDED");
        assertThat(world.log.text()).contains("the gateway keeps its own plan (this plan replaces google_cloud_run_v2_service.service[\"journal\"]");
        assertThat(world.builds()).as("7 services, the worker, the gateway twice").isEqualTo(10);
        assertThat(world.revisionCount("staging", "mesh")).as("one new gateway revision: only the image with journal's new URL")
                .isEqualTo(meshRevisions + 1);
        ReleaseRecord record = world.assertConverged("staging");
        String applied = world.cloud.cloudRun.revisionImage(mesh, world.cloud.cloudRun.servingRevision(mesh));
        assertThat(record.serving("mesh").orElseThrow().image().ref()).isEqualTo(applied);
        assertThat(world.urlsSecretVersions("staging").get(world.urlsSecretVersions("staging").size() - 1)).contains("localhost");
    }

    @Test
    void aGatedPlanThatChangesNothingPassesByItselfAndIsRecordedSo() throws Exception {
        world = DeployWorld.start(dir, "main");
        DeployRun.Gatekeeper yes = (env, gate, plan) -> Optional.of("rita");
        DeployRun.Result first = world.checkout("cli:ana@laptop").deploy("production", yes, DeployRun.Progress.NONE);
        assertThat(first.status()).isEqualTo("SUCCEEDED");

        // The same commit again, from a fresh checkout: neither plan changes anything, so nobody is asked.
        DeployRun.Result again = world.checkout("cli:ana@laptop").deploy("production");

        assertThat(again.status()).isEqualTo("SUCCEEDED");
        ReleaseRecord record = world.assertConverged("production");
        // Same commit: a release id of its own, not the first run's.
        assertThat(record.id()).isNotEqualTo(first.release()).endsWith(first.release().substring(first.release().lastIndexOf('-')));
        assertThat(record.approvals()).extracting(ReleaseRecord.Approval::approver)
                .containsExactly(ReleaseRecord.Approval.NO_CHANGES, ReleaseRecord.Approval.NO_CHANGES);
        assertThat(world.log.text()).contains("Gate services: the plan", "changes nothing, so it passes by itself");
    }
}
