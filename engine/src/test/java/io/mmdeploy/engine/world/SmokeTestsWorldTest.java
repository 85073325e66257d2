package io.mmdeploy.engine.world;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mmdeploy.engine.diagnostics.DeployException;
import io.mmdeploy.engine.flow.FlowStep;
import io.mmdeploy.engine.release.ReleaseRecord;
import io.mmdeploy.engine.release.ReleaseRecord.SmokeCheck;
import io.mmdeploy.engine.steps.DeployRun;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The example's gateway smoke test (POST /graphql { __typename } with a token from Secret Manager) after the health
 * check: a passing one is in the record; a failing one moves everything the run changed back and is recorded as the
 * failure, and the token reaches no log, journal or record either way.
 */
class SmokeTestsWorldTest {
    static final String ENV = "staging";

    @TempDir
    Path dir;
    DeployWorld world;

    @BeforeEach
    void start() throws Exception {
        world = DeployWorld.start(dir, ENV);
    }

    @AfterEach
    void stop() {
        world.close();
    }

    @Test
    void aPassingSmokeTestIsRecordedWithTheRelease() throws Exception {
        DeployRun.Result result = world.checkout("cli:ana@laptop").deploy(ENV);

        assertThat(result.phases()).containsKey("smoke-tests");
        ReleaseRecord record = world.assertConverged(ENV);
        assertThat(record.smokeTests()).singleElement().satisfies(c -> {
            assertThat(c.target()).isEqualTo("mesh");
            assertThat(c.name()).isEqualTo("federates");
            assertThat(c.method()).isEqualTo("POST");
            assertThat(c.path()).isEqualTo("/graphql");
            assertThat(c.passed()).isTrue();
            assertThat(c.status()).isEqualTo(200);
            assertThat(c.detail()).isNull();
        });
        world.assertNoSecretLeaked();
    }

    @Test
    void aFailingSmokeTestMovesTheRunsTrafficBackAndIsRecordedAsTheFailure() throws Exception {
        world.checkout("cli:setup").deploy(ENV);
        Map<String, String> before = world.serving(ENV);
        // Expand-only migrations: the revert may go back past them (else it is refused, by the rule of a failed health check).
        world.commitReplace("mm-deploy.yaml", "    timeoutSeconds: 900\n", "    timeoutSeconds: 900\n    compatibleWithPrevious: true\n", "expand-only");
        world.commitReplace("mm-deploy.yaml", "    timeoutSeconds: 600\n", "    timeoutSeconds: 600\n    compatibleWithPrevious: true\n", "expand-only");
        world.commit("services/journal/app/main.py", "print('journal v2')\n", "journal: v2");
        world.commit("mesh/VERSION", "2\n", "mesh: v2");
        Checkout checkout = world.checkout("cli:ana@laptop");
        DeployRun.Progress arm = (FlowStep step) -> {
            if (!step.isGate() && step.phase().id().equals("services-apply")) {
                world.nextRevisions(ENV, "mesh", DeployWorld.Health.FAILS_SMOKE);
            }
        };

        assertThatThrownBy(() -> checkout.deploy(ENV, Checkout.noTerminal(), arm))
                .isInstanceOf(DeployException.class)
                .hasMessageContaining("Smoke tests failed in staging")
                .hasMessageContaining("mesh federates (POST /graphql): /data/__typename is missing; /errors is present")
                .hasMessageContaining("journal from journal-service-staging-");

        // Everything the run changed serves what served before: the journal service too, whose own health was fine.
        assertThat(world.serving(ENV)).isEqualTo(before);
        String release = checkout.journal(ENV).release();
        ReleaseRecord record = world.records(ENV).stream().filter(r -> r.id().equals(release)).findFirst().orElseThrow();
        assertThat(record.outcome().failedPhase()).isEqualTo("smoke-tests");
        assertThat(world.records(ENV)).as("the revert is recorded too").anySatisfy(r -> {
            assertThat(r.kind()).isEqualTo(ReleaseRecord.Kind.ROLLBACK);
            assertThat(r.succeeded()).isTrue();
        });
        assertThat(record.smokeTests()).extracting(SmokeCheck::passed).containsExactly(false);
        assertThat(record.smokeTests().get(0).detail()).contains("/errors is present").contains("Cannot reach subgraph journal");
        assertThat(world.leaseOf(ENV)).isNull();
        world.assertNoSecretLeaked();
    }

    @Test
    void aMissingTokenSecretRefusesTheDeployAtItsPreflightBeforeAnythingChanges() throws Exception {
        world.checkout("cli:ana@laptop").deploy(ENV);
        world.cloud.secretManager.put(world.env(ENV).projectId(), "unrelated", "x");
        world.commitReplace("mm-deploy.yaml", "{secret: mesh-smoke-token,", "{secret: mesh-smoke-tokn,", "typo in the secret name");
        world.commit("services/agent/app/main.py", "print('agent v2')\n", "agent: v2");
        Map<String, String> before = world.serving(ENV);
        int smokeRequests = world.requestsTo("mesh-gateway-staging/graphql");
        long builds = world.builds();
        Checkout checkout = world.checkout("cli:ana@laptop");

        assertThatThrownBy(() -> checkout.deploy(ENV))
                .isInstanceOf(DeployException.class)
                .hasMessageContaining("The secret mesh-smoke-tokn has no readable version in mindmirror-staging")
                .hasMessageContaining("gateway.smokeTests[0].headers.Authorization");

        assertThat(world.serving(ENV)).as("nothing deployed").isEqualTo(before);
        assertThat(world.builds()).as("nothing built").isEqualTo(builds);
        assertThat(world.requestsTo("mesh-gateway-staging/graphql")).as("no smoke test was sent").isEqualTo(smokeRequests);
        world.assertNoSecretLeaked();
    }
}
