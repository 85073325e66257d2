package io.mmdeploy.engine.world;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mmdeploy.engine.diagnostics.DeployException;
import io.mmdeploy.engine.flow.FlowStep;
import io.mmdeploy.engine.steps.DeployRun;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The environment's webhooks on loopback, their URLs in Secret Manager: a Slack-format one told of everything, a JSON
 * one of failures and rollbacks only. Each notification names the environment, the release, the commit, what changed
 * and carries no secret (the webhooks' URLs, tokens); a webhook that fails never fails the deploy.
 */
class NotificationsWorldTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String NOTIFY = "    notify:\n      - format: slack\n        urlSecret: deploys-chat\n"
            + "      - format: json\n        urlSecret: deploys-pager\n        on: [failed, rolled-back]\n";

    @TempDir
    Path dir;
    DeployWorld world;

    @AfterEach
    void stop() {
        if (world != null) {
            world.close();
        }
    }

    DeployWorld start(String branch, String environment) throws Exception {
        world = DeployWorld.start(dir, branch);
        world.addHook(environment, "deploys-chat", "chat");
        world.addHook(environment, "deploys-pager", "pager");
        return world;
    }

    void notify(String environment, String anchor) {
        world.commitReplace("mm-deploy.yaml", anchor, anchor + NOTIFY, "notify " + environment);
    }

    @Test
    void aSucceededDeployTellsTheChatWhatChangedAndThePagerNothing() throws Exception {
        start("staging", "staging");
        world.checkout("cli:setup").deploy("staging");
        notify("staging", "    approval:\n      gates: []\n");
        world.commit("services/agent/app/main.py", "print('agent v2')\n", "agent: v2");

        DeployRun.Result result = world.checkout("cli:ana@laptop").deploy("staging");

        assertThat(result.status()).isEqualTo("SUCCEEDED");
        assertThat(world.received("chat")).singleElement().satisfies(body -> {
            String text = JSON.readTree(body).path("text").asText();
            assertThat(text).startsWith("mindmirror staging: release " + result.release() + " succeeded")
                    .contains("commit " + world.head().substring(0, 7) + " on staging")
                    .contains("changed: agent")
                    .doesNotContain("journal");
        });
        assertThat(world.received("pager")).isEmpty();
        world.assertNoSecretLeaked();
    }

    @Test
    void aFailedSmokeTestTellsBothOfTheRevertAndTheFailure() throws Exception {
        start("staging", "staging");
        world.checkout("cli:setup").deploy("staging");
        notify("staging", "    approval:\n      gates: []\n");
        world.commitReplace("mm-deploy.yaml", "    timeoutSeconds: 900\n", "    timeoutSeconds: 900\n    compatibleWithPrevious: true\n", "expand-only");
        world.commitReplace("mm-deploy.yaml", "    timeoutSeconds: 600\n", "    timeoutSeconds: 600\n    compatibleWithPrevious: true\n", "expand-only");
        world.commit("mesh/VERSION", "2\n", "mesh: v2");
        Checkout checkout = world.checkout("cli:ana@laptop");
        DeployRun.Progress arm = (FlowStep step) -> {
            if (!step.isGate() && step.phase().id().equals("services-apply")) {
                world.nextRevisions("staging", "mesh", DeployWorld.Health.FAILS_SMOKE);
            }
        };

        assertThatThrownBy(() -> checkout.deploy("staging", Checkout.noTerminal(), arm)).isInstanceOf(DeployException.class);

        String release = checkout.journal("staging").release();
        List<JsonNode> pager = world.received("pager").stream().map(NotificationsWorldTest::json).toList();
        assertThat(pager).extracting(n -> n.path("event").asText()).containsExactly("rolled-back", "failed");
        JsonNode failed = pager.get(1);
        assertThat(failed.path("environment").asText()).isEqualTo("staging");
        assertThat(failed.path("release").asText()).isEqualTo(release);
        assertThat(failed.path("commit").asText()).isEqualTo(world.head());
        assertThat(failed.path("changes")).extracting(JsonNode::asText).containsExactly("mesh");
        assertThat(failed.path("detail").asText()).contains("failed at smoke-tests");
        assertThat(pager.get(0).path("detail").asText()).contains("mesh to mesh-gateway-staging-");
        assertThat(failed.path("build").isNull()).as("a terminal has no build page").isTrue();
        assertThat(world.received("chat")).hasSize(2);
        world.assertNoSecretLeaked();
    }

    @Test
    void aWebhookThatFailsOrCannotBeReadNeverFailsTheDeploy() throws Exception {
        start("staging", "staging");
        notify("staging", "    approval:\n      gates: []\n");
        world.commitReplace("mm-deploy.yaml", "urlSecret: deploys-pager\n        on: [failed, rolled-back]", "urlSecret: deploys-nowhere", "a hook without its secret");
        world.failHook("chat");

        DeployRun.Result result = world.checkout("cli:ana@laptop").deploy("staging");

        assertThat(result.status()).isEqualTo("SUCCEEDED");
        world.assertConverged("staging");
        assertThat(world.received("chat")).hasSize(1);
        assertThat(world.log.text())
                .contains("The webhook of secret deploys-chat answered HTTP 500; the deploy goes on")
                .contains("Cannot notify the webhook of secret deploys-nowhere: The secret deploys-nowhere has no readable version");
        world.assertNoSecretLeaked();
    }

    @Test
    void aGateThatWaitsForAPersonIsToldWithItsPlan() throws Exception {
        start("main", "production");
        notify("production", "      fourEyes: true\n");

        DeployRun.Result waiting = world.checkout("cli:ana@laptop").deploy("production", true, Map.of());

        assertThat(waiting.status()).isEqualTo("WAITING");
        assertThat(world.received("chat")).singleElement().satisfies(body -> assertThat(JSON.readTree(body).path("text").asText())
                .contains("mindmirror production: release " + waiting.release() + " waits for approval")
                .contains("The services plan " + waiting.planHash().substring(0, 12)));
        assertThat(world.received("pager")).isEmpty();
        world.assertNoSecretLeaked();
    }

    private static JsonNode json(String body) {
        try {
            return JSON.readTree(body);
        } catch (Exception e) {
            throw new AssertionError(body, e);
        }
    }
}
