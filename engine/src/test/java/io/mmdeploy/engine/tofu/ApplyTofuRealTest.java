package io.mmdeploy.engine.tofu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.mmdeploy.engine.diagnostics.DeployException;
import io.mmdeploy.engine.port.LogEvent;
import io.mmdeploy.engine.port.MaskingEventSink;
import io.mmdeploy.engine.port.SecretMask;
import io.mmdeploy.engine.port.StageLog;
import io.mmdeploy.engine.port.local.LocalWorkspace;
import io.mmdeploy.engine.port.local.LocalCommandRunner;
import io.mmdeploy.engine.testing.RealTofuBinary;
import io.mmdeploy.engine.tofu.tfvars.ImageVarsWriter;
import io.mmdeploy.engine.tofu.tfvars.TfvarsDocument;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole stage against a real tofu or terraform (skipped, with the reason printed, when neither is on the
 * PATH): a configuration of built-in pieces only, state in the local backend.
 */
class ApplyTofuRealTest {
    static final String AGENT_1 = "registry.example/mm/agent:rel-1@sha256:" + "a1".repeat(32);
    static final String USERS_1 = "registry.example/mm/users:rel-1@sha256:" + "b1".repeat(32);
    static final String AGENT_2 = "registry.example/mm/agent:rel-2@sha256:" + "a2".repeat(32);
    static final String AGENT_3 = "registry.example/mm/agent:rel-3@sha256:" + "a3".repeat(32);
    static final String VAR_FILE = "infra/environments/staging.auto.tfvars";

    @TempDir
    Path root;
    Path binary;
    LocalWorkspace ws;
    final List<LogEvent> events = new CopyOnWriteArrayList<>();
    final SecretMask mask = new SecretMask();
    final TofuRequest request = new TofuRequest("staging", "infra", List.of("environments/staging.auto.tfvars"),
            "environments/staging.backend.hcl", null);

    @BeforeEach
    void setUp() throws Exception {
        binary = RealTofuBinary.require(getClass().getSimpleName());
        ws = new LocalWorkspace(root);
        for (String f : List.of("main.tf", "environments/staging.backend.hcl", "environments/staging.auto.tfvars")) {
            try (InputStream in = getClass().getResourceAsStream("/io/mmdeploy/engine/tofu/real/" + f)) {
                Files.createDirectories(root.resolve("infra").resolve(f).getParent());
                Files.copy(in, root.resolve("infra").resolve(f));
            }
        }
    }

    private ApplyTofu stage(Duration lockTimeout) {
        StageLog log = new StageLog(new MaskingEventSink(events::add, mask), "apply-tofu");
        TofuCli cli = new TofuCli(new LocalCommandRunner(root), new TofuSettings(binary.toString(), lockTimeout, Duration.ofMinutes(5)), log);
        return new ApplyTofu(cli, ws, log, mask);
    }

    private void setVars(Map<String, String> values) throws Exception {
        String text = ws.readText(VAR_FILE).orElseThrow();
        ws.writeText(VAR_FILE, TfvarsDocument.parse(VAR_FILE, text).withStrings(values));
    }

    @Test
    void initWritePlanSummaryApplyOutputsThenNoChanges() throws Exception {
        ApplyTofu stage = stage(Duration.ofSeconds(5));
        new ImageVarsWriter(ws, new StageLog(events::add, "tfvars")).write(VAR_FILE, Map.of("agent_image", AGENT_1, "users_image", USERS_1));
        assertThat(ws.readText(VAR_FILE).orElseThrow()).contains("# staging images", "\" # agent\n");

        PlanSummary first = stage.plan(request);
        assertThat(first.changed()).isTrue();
        assertThat(first.counts()).containsEntry("create", 3).containsEntry("delete", 0);
        assertThat(first.byAction(PlanSummary.Action.CREATE)).extracting(PlanSummary.ResourceChange::address)
                .containsExactly("terraform_data.agent", "terraform_data.slow", "terraform_data.users");
        assertThat(first.outputChanges()).containsEntry("service_urls", "create").containsEntry("token", "create");
        assertThat(first.engineVersion()).isNotEmpty();

        ApplyTofu.Applied applied = stage.apply(request, first.planHash());
        assertThat(applied.outputs().serviceUrls()).containsOnlyKeys("agent", "users")
                .hasEntrySatisfying("agent", url -> assertThat(url).matches("https://agent-[0-9a-f]{10}\\.a\\.run\\.app"));
        assertThat(applied.outputs().redacted()).containsEntry("token", "(sensitive)");
        assertThat(Files.exists(root.resolve("infra/state/staging.tfstate"))).isTrue();

        PlanSummary second = stage.plan(request);
        assertThat(second.changed()).isFalse();
        assertThat(second.counts()).containsEntry("noop", 3).containsEntry("create", 0).containsEntry("update", 0);
        assertThat(second.headline()).endsWith("(no changes)");

        // A new image: the resource that takes it as input is replaced (terraform_data replaces on input change).
        new ImageVarsWriter(ws, new StageLog(events::add, "tfvars")).write(VAR_FILE, Map.of("agent_image", AGENT_2));
        PlanSummary third = stage.plan(request);
        assertThat(third.byAction(PlanSummary.Action.UPDATE)).extracting(PlanSummary.ResourceChange::address)
                .containsExactly("terraform_data.agent");
        assertThat(third.outputChanges()).containsEntry("service_urls", "update");

        assertThat(events).extracting(LogEvent::message).anySatisfy(m -> assertThat(m).startsWith("terraform_data.agent: Creation complete"));
        assertThat(events).extracting(LogEvent::message).allSatisfy(m -> assertThat(m).doesNotContain("real-sensitive-token-42"));
        assertThat(third.toJson() + third.renderText() + applied.outputs()).doesNotContain("real-sensitive-token-42");
    }

    @Test
    void aHeldLockIsReportedWithWhoHoldsItAndAStalePlanIsRefused() throws Exception {
        ApplyTofu stage = stage(Duration.ofSeconds(1));
        setVars(Map.of("agent_image", AGENT_1, "users_image", USERS_1));
        stage.apply(request, stage.plan(request).planHash());

        // A slow apply holds the local state lock while its provisioner sleeps.
        setVars(Map.of("slow_seconds", "6"));
        PlanSummary slow = stage.plan(request);
        assertThat(slow.byAction(PlanSummary.Action.REPLACE)).extracting(PlanSummary.ResourceChange::address).containsExactly("terraform_data.slow");
        assertThat(slow.renderText()).contains("!! 1 resource(s) will be REPLACED");
        CompletableFuture<ApplyTofu.Applied> holder = CompletableFuture.supplyAsync(() -> stage(Duration.ZERO).apply(request, slow.planHash()));
        long deadline = System.currentTimeMillis() + 20_000;
        while (events.stream().noneMatch(e -> e.message().contains("terraform_data.slow: Provisioning with 'local-exec'"))) {
            assertThat(System.currentTimeMillis()).as("the slow apply starts").isLessThan(deadline);
            Thread.sleep(50);
        }
        DeployException locked = assertThrows(DeployException.class, () -> stage.plan(request.withTarget("terraform_data.agent")));
        assertThat(locked.diagnostics().get(0).summary()).startsWith("State is locked by ").contains(" since 20");
        assertThat(locked.diagnostics().get(0).detail()).contains("Held by an apply run on the state", "lock ID ",
                "waited 1s", binary + " force-unlock ", "never releases a lock on its own");
        holder.get(60, TimeUnit.SECONDS);

        // Plan A is approved; then another plan is applied, so A's state is gone: A must be refused as stale.
        setVars(Map.of("agent_image", AGENT_2));
        PlanSummary approved = stage.plan(request);
        byte[] approvedBytes = Files.readAllBytes(root.resolve(approved.planFile()));
        setVars(Map.of("agent_image", AGENT_3));
        stage.apply(request, stage.plan(request).planHash());
        Files.write(root.resolve(approved.planFile()), approvedBytes);
        DeployException stale = assertThrows(DeployException.class, () -> stage.apply(request, approved.planHash()));
        assertThat(stale.diagnostics().get(0).summary()).isEqualTo("Re-plan required: the approved plan is stale");
        assertThat(stale.getMessage()).contains("Saved plan is stale");
    }
}
