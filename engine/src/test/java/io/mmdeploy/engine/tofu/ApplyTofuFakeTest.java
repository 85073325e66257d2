package io.mmdeploy.engine.tofu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mmdeploy.engine.diagnostics.DeployException;
import io.mmdeploy.engine.diagnostics.Diagnostic;
import io.mmdeploy.engine.port.LogEvent;
import io.mmdeploy.engine.port.MaskingEventSink;
import io.mmdeploy.engine.port.SecretMask;
import io.mmdeploy.engine.port.StageLog;
import io.mmdeploy.engine.port.local.LocalWorkspace;
import io.mmdeploy.engine.testing.FakeTofu;
import io.mmdeploy.engine.port.local.LocalCommandRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ApplyTofu and TofuCli against the fake tofu, which prints OpenTofu's real formats and fails on request. */
class ApplyTofuFakeTest {
    static final List<String> SECRETS = List.of("db-pass-XYZ-987", "TOP-SECRET-PAYLOAD-123", "OLD-SECRET-DATA-456",
            "NEW-SECRET-DATA-789", "5555555555", "6666666666");

    @TempDir
    Path root;
    FakeTofu fake;
    LocalWorkspace ws;
    final List<LogEvent> events = new CopyOnWriteArrayList<>();
    final SecretMask mask = new SecretMask();
    ApplyTofu stage;
    TofuCli cli;
    final TofuRequest request = new TofuRequest("staging", "infra", List.of("environments/staging.auto.tfvars"),
            "environments/staging.backend.hcl", null);

    @BeforeEach
    void setUp() throws Exception {
        fake = new FakeTofu(root.resolve("bin"));
        ws = new LocalWorkspace(root);
        ws.writeText("infra/environments/staging.backend.hcl", "bucket = \"mm-staging-tfstate\"\nprefix = \"mindmirror/staging\"\n");
        ws.writeText("infra/environments/staging.auto.tfvars", "region = \"us-east4\"\n");
        StageLog log = new StageLog(new MaskingEventSink(events::add, mask), "apply-tofu");
        cli = new TofuCli(new LocalCommandRunner(root), new TofuSettings(fake.binary().toString(), Duration.ofSeconds(30), Duration.ofMinutes(1)), log);
        stage = new ApplyTofu(cli, ws, log, mask);
    }

    @Test
    void plansSummarisesAndAppliesExactlyTheApprovedPlan() throws Exception {
        PlanSummary summary = stage.plan(request);

        assertThat(summary.changed()).isTrue();
        assertThat(summary.counts()).containsEntry("update", 3).containsEntry("replace", 1).containsEntry("create", 1)
                .containsEntry("delete", 1).containsEntry("noop", 1).containsEntry("read", 1).containsEntry("forget", 1);
        assertThat(summary.planFile()).isEqualTo("infra/.mm-deploy/staging.tfplan");
        assertThat(summary.planHash()).isEqualTo(ws.sha256("infra/.mm-deploy/staging.tfplan").orElseThrow()).hasSize(64);
        assertThat(summary.imageChanges()).extracting(PlanSummary.ImageChange::address, PlanSummary.ImageChange::before, PlanSummary.ImageChange::after)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("google_cloud_run_v2_service.service[\"agent-service\"]",
                                "us-east4-docker.pkg.dev/mm-staging/mindmirror/agent-service@sha256:" + "1".repeat(64),
                                "us-east4-docker.pkg.dev/mm-staging/mindmirror/agent-service@sha256:" + "2".repeat(64)),
                        org.assertj.core.groups.Tuple.tuple("google_cloud_run_v2_service.secret_image", "(sensitive)", "(sensitive)"),
                        org.assertj.core.groups.Tuple.tuple("google_cloud_run_v2_job.migrate",
                                "us-east4-docker.pkg.dev/mm-staging/mindmirror/users-service@sha256:" + "3".repeat(64),
                                "us-east4-docker.pkg.dev/mm-staging/mindmirror/users-service@sha256:" + "4".repeat(64)),
                        org.assertj.core.groups.Tuple.tuple("google_cloud_run_v2_service.gateway", "(none)", "(known after apply)"));
        assertThat(summary.imageChanges().get(2).container()).isEqualTo("template[0].template[0].containers[0]");
        String text = summary.renderText();
        assertThat(text).contains("!! 1 resource(s) will be DESTROYED:", "!!   - google_storage_bucket.old (delete because no resource config)",
                "!!   -/+ google_cloud_run_v2_job.migrate (replace because cannot update)", "Outputs: service_urls (update)");
        assertThat(text.indexOf("DESTROYED")).isLessThan(text.indexOf("Image changes:"));
        assertThat(ws.readText("infra/.mm-deploy/staging.summary.json").orElseThrow()).contains(summary.planHash());

        List<String> calls = fake.calls();
        assertThat(calls.get(0)).startsWith(root.resolve("infra") + " | init -input=false -no-color -json -lock-timeout=30s "
                + "-backend-config=environments/staging.backend.hcl -reconfigure");
        assertThat(calls.get(1)).isEqualTo(root.resolve("infra") + " | plan -input=false -no-color -json -detailed-exitcode "
                + "-lock-timeout=30s -out=.mm-deploy/staging.tfplan -var-file=environments/staging.auto.tfvars");
        assertThat(calls.get(2)).endsWith("| show -no-color -json .mm-deploy/staging.tfplan");

        String planned = Files.readString(root.resolve("infra/.mm-deploy/staging.tfplan")).strip();
        ApplyTofu.Applied applied = stage.apply(request, summary.planHash());

        assertThat(fake.calls()).contains(root.resolve("infra") + " | applied: " + planned);
        assertThat(fake.calls().get(fake.calls().size() - 1)).endsWith("| output -no-color -json");
        assertThat(applied.planHash()).isEqualTo(summary.planHash());
        assertThat(applied.outputs().serviceUrls()).containsEntry("agent-service", "https://agent-service-staging-1234567890.us-east4.run.app")
                .hasSize(2);
        assertThat(applied.outputs().redacted()).containsEntry("db_password", "(sensitive)")
                .containsEntry("gateway_url", "https://mesh-gateway-staging-1234567890.us-east4.run.app");
        assertThat(messages()).contains(
                "google_cloud_run_v2_service.service[\"agent-service\"]: Modifications complete after 18s [id=projects/p/locations/us-east4/services/agent-service-staging]",
                "Apply complete! Resources: 1 added, 1 changed, 2 destroyed.",
                "Plan: 1 to add, 1 to change, 2 to destroy.");
        assertThat(events).anySatisfy(e -> {
            assertThat(e.level()).isEqualTo(LogEvent.Level.WARN);
            assertThat(e.message()).startsWith("Deprecated attribute");
        });

        // No secret reaches a log line, the summary (text or JSON) or the outputs' text form.
        List<String> everything = new ArrayList<>(messages());
        everything.add(text);
        everything.add(summary.toJson());
        everything.add(summary.toString());
        everything.add(applied.outputs().toString());
        everything.add(applied.outputs().all().toString());
        for (String secret : SECRETS) {
            assertThat(everything).allSatisfy(s -> assertThat(s).doesNotContain(secret));
        }
        assertThat(mask.mask("pw db-pass-XYZ-987")).isEqualTo("pw ****");
    }

    @Test
    void theStepsThreeUsesPlanOnlyThenApproveByHashOrBothAtOnce() throws Exception {
        ApplyTofu.Outcome planned = stage.run(request, true, null);
        assertThat(planned.applied()).isFalse();
        assertThat(planned.toMap()).containsEntry("applied", false).containsEntry("changed", true).containsEntry("outputs", Map.of())
                .containsEntry("planHash", planned.summary().planHash()).containsKey("summaryText");
        assertThat(fake.calls()).noneMatch(c -> c.contains("applied:"));

        ApplyTofu.Outcome approved = stage.run(request, false, planned.summary().planHash());
        assertThat(approved.summary()).isEqualTo(planned.summary());
        assertThat(approved.toMap()).containsEntry("applied", true).containsEntry("counts", planned.summary().counts());
        assertThat(approved.toMap().get("outputs")).isEqualTo(approved.outputs().redacted()).asString().contains("db_password=(sensitive)");
        assertThat(fake.calls().stream().filter(c -> c.contains("| plan ")).count()).isEqualTo(1);

        ApplyTofu.Outcome both = stage.run(request, false, null);
        assertThat(both.applied()).isTrue();
        assertThat(both.summary().planHash()).isNotEqualTo(planned.summary().planHash());
        assertThat(fake.calls().stream().filter(c -> c.contains("applied:")).count()).isEqualTo(2);
        assertThatThrownBy(() -> stage.run(request, true, both.summary().planHash())).hasMessageContaining("planOnly and approvedPlanHash together");
    }

    @Test
    void reconfiguresOnlyWhenTheBackendConfigChanged() throws Exception {
        stage.plan(request);
        stage.plan(request);
        ws.writeText("infra/environments/staging.backend.hcl", "bucket = \"other\"\n");
        stage.plan(request);
        List<String> inits = fake.calls().stream().filter(c -> c.contains("| init ")).toList();
        assertThat(inits).hasSize(3);
        assertThat(inits.get(0)).endsWith("-reconfigure");
        assertThat(inits.get(1)).doesNotContain("-reconfigure");
        assertThat(inits.get(2)).endsWith("-reconfigure");
    }

    @Test
    void refusesAPlanFileWhoseHashIsNotTheApprovedOne() throws Exception {
        PlanSummary first = stage.plan(request);
        PlanSummary second = stage.plan(request);
        assertThat(second.planHash()).isNotEqualTo(first.planHash());

        assertThatThrownBy(() -> stage.apply(request, first.planHash()))
                .isInstanceOf(DeployException.class)
                .hasMessageContaining("The plan file is not the approved plan")
                .hasMessageContaining(first.planHash())
                .hasMessageContaining(second.planHash());
        assertThat(fake.calls()).noneMatch(c -> c.contains("| apply") || c.contains("applied:"));
    }

    @Test
    void refusesToApplyWithoutASavedPlanOrAfterTheBackendChanged() throws Exception {
        assertThatThrownBy(() -> stage.apply(request, "0".repeat(64))).hasMessageContaining("No saved plan to apply");
        PlanSummary summary = stage.plan(request);
        ws.writeText("infra/environments/staging.backend.hcl", "bucket = \"production-bucket\"\n");
        assertThatThrownBy(() -> stage.apply(request, summary.planHash())).hasMessageContaining("Re-plan required: the backend changed");
        assertThat(fake.calls()).noneMatch(c -> c.contains("applied:"));
    }

    @Test
    void refusesToApplyWhenTheVarFilesChangedAfterThePlan() throws Exception {
        PlanSummary summary = stage.plan(request);
        ws.writeText("infra/environments/staging.auto.tfvars", "region = \"us-east4\"\nagent_image = \"written too late\"\n");
        assertThatThrownBy(() -> stage.apply(request, summary.planHash()))
                .hasMessageContaining("Re-plan required: the var files changed after the plan")
                .hasMessageContaining("infra/environments/staging.auto.tfvars");
        assertThat(fake.calls()).noneMatch(c -> c.contains("applied:"));
        ws.writeText("infra/environments/staging.auto.tfvars", "region = \"us-east4\"\n");
        assertThat(stage.apply(request, summary.planHash()).planHash()).isEqualTo(summary.planHash());
    }

    @Test
    void aHeldLockSaysWhoHoldsItSinceWhenAndHowToReleaseItButNeverReleasesIt() throws Exception {
        fake.scenario("lock");
        DeployException e = org.junit.jupiter.api.Assertions.assertThrows(DeployException.class, () -> stage.plan(request));
        Diagnostic d = e.diagnostics().get(0);
        assertThat(e.diagnostics()).hasSize(1);
        assertThat(d.summary()).isEqualTo("State is locked by jenkins@agent-7 since 2026-11-22 03:58:01.123456789 +0000 UTC");
        assertThat(d.detail()).contains("Held by an apply run", "lock ID 1763800000123456",
                "gs://mm-staging-tfstate/mindmirror/staging/default.tflock", "waited 30s",
                "force-unlock 1763800000123456", "in infra", "never releases a lock on its own");
        assertThat(fake.calls()).noneMatch(c -> c.contains("force-unlock"));
        assertThat(messages()).contains("Acquiring state lock. This may take a few moments...");
    }

    @Test
    void aStalePlanIsARePlanRequiredError() throws Exception {
        PlanSummary summary = stage.plan(request);
        fake.scenario("stale");
        assertThatThrownBy(() -> stage.apply(request, summary.planHash()))
                .isInstanceOf(DeployException.class)
                .hasMessageContaining("Re-plan required: the approved plan is stale")
                .hasMessageContaining("Saved plan is stale")
                .hasMessageContaining("Make a new plan and approve it again");
    }

    @Test
    void errorsSurfaceAsDiagnosticsWithTheirFileNotAsADump() throws Exception {
        fake.scenario("plan-error");
        DeployException e = org.junit.jupiter.api.Assertions.assertThrows(DeployException.class, () -> stage.plan(request));
        assertThat(e.diagnostics()).singleElement().satisfies(d -> {
            assertThat(d.summary()).isEqualTo("Unsupported argument");
            assertThat(d.position().render()).isEqualTo("main.tf:31:7");
            assertThat(d.detail()).isEqualTo("An argument named \"imagee\" is not expected here. Did you mean \"image\"?");
        });
        assertThat(e.getMessage()).doesNotContain("@level", "{");

        fake.scenario();
        PlanSummary summary = stage.plan(request);
        fake.scenario("apply-error");
        DeployException applyError = org.junit.jupiter.api.Assertions.assertThrows(DeployException.class, () -> stage.apply(request, summary.planHash()));
        assertThat(applyError.diagnostics()).singleElement().satisfies(d -> {
            assertThat(d.summary()).isEqualTo("Error updating Service");
            assertThat(d.field()).isEqualTo("google_cloud_run_v2_service.service[\"agent-service\"]");
        });
        assertThat(messages()).contains("google_cloud_run_v2_service.service[\"agent-service\"]: Modifications errored after 3s");
    }

    @Test
    void aFailureWithoutDiagnosticsShowsTheExitCodeAndTheLastLines() throws Exception {
        fake.scenario("crash");
        assertThatThrownBy(() -> stage.plan(request))
                .hasMessageContaining("plan failed with exit code 11")
                .hasMessageContaining("panic: runtime error");
        fake.scenario("init-fail");
        assertThatThrownBy(() -> stage.plan(request)).hasMessageContaining("Error: Backend configuration changed");
    }

    @Test
    void humanFormatErrorsOfShowBecomeDiagnostics() {
        assertThatThrownBy(() -> cli.showPlan(request, ".mm-deploy/missing.tfplan"))
                .isInstanceOf(DeployException.class)
                .hasMessageContaining("Error: Failed to read the given file as a state or plan file")
                .hasMessageContaining("no such file or directory");
    }

    @Test
    void aPlanWithoutChangesSaysSo() throws Exception {
        fake.scenario("no-changes");
        // The fake's show.json still lists changes; exit code 0 is what says "no changes".
        PlanSummary summary = stage.plan(request);
        assertThat(summary.changed()).isFalse();
        assertThat(summary.headline()).endsWith("(no changes)");
    }

    @Test
    void aTargetedPlanHasItsOwnPlanFileAndPassesTheTarget() throws Exception {
        PlanSummary summary = stage.plan(request.withTarget("google_cloud_run_v2_service.gateway"));
        assertThat(summary.planFile()).isEqualTo("infra/.mm-deploy/staging-google_cloud_run_v2_service.gateway.tfplan");
        assertThat(summary.target()).isEqualTo("google_cloud_run_v2_service.gateway");
        assertThat(fake.calls().get(1)).endsWith("-target=google_cloud_run_v2_service.gateway");
        assertThat(Map.of("h", summary.headline())).containsValue(
                "Plan for staging (target google_cloud_run_v2_service.gateway): 1 to create, 3 to update, 1 to replace, 1 to delete, 1 unchanged, 1 to forget");
    }

    @Test
    void warnsWhenAnotherAutoLoadedTfvarsFileSitsInTheTofuDirectory() throws Exception {
        ws.writeText("infra/production.auto.tfvars", "project_id = \"mindmirror-69\"\n");
        stage.plan(request);
        assertThat(events).filteredOn(e -> e.level() == LogEvent.Level.WARN).extracting(LogEvent::message)
                .anySatisfy(m -> assertThat(m).startsWith("infra/production.auto.tfvars is loaded by tofu automatically for every environment, staging included"));
    }

    private List<String> messages() {
        return events.stream().map(LogEvent::message).toList();
    }
}
