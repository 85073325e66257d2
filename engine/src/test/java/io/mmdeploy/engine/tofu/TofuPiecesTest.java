package io.mmdeploy.engine.tofu;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mmdeploy.engine.config.ConfigLoader;
import io.mmdeploy.engine.config.DeployConfig;
import io.mmdeploy.engine.diagnostics.Diagnostic;
import io.mmdeploy.engine.diagnostics.Severity;
import io.mmdeploy.engine.port.LogEvent;
import io.mmdeploy.engine.port.SecretMask;
import io.mmdeploy.engine.port.StageLog;
import io.mmdeploy.engine.port.local.LocalWorkspace;
import io.mmdeploy.engine.testing.ExampleRepo;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The small parts: request paths, lock parsing, human diagnostics, summary rendering, outputs. */
class TofuPiecesTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void theExampleEnvironmentsPathsBecomeRelativeToTheTofuDirectory(@TempDir Path dir) {
        ExampleRepo repo = ExampleRepo.copyInto(dir);
        DeployConfig config = new ConfigLoader(new LocalWorkspace(repo.root())).load(ExampleRepo.CONFIG).config();
        TofuRequest staging = TofuRequest.of(config.environment("staging"), "");
        assertThat(staging).isEqualTo(new TofuRequest("staging", "infra", List.of("environments/staging.auto.tfvars"),
                "environments/staging.backend.hcl", null));
        assertThat(staging.planFile()).isEqualTo(".mm-deploy/staging.tfplan");
        assertThat(staging.inWorkspace(staging.planFile())).isEqualTo("infra/.mm-deploy/staging.tfplan");

        TofuRequest nested = TofuRequest.of(config.environment("production"), "apps/mm").withTarget("module.x[\"a b\"].y");
        assertThat(nested.dir()).isEqualTo("apps/mm/infra");
        assertThat(nested.varFiles()).containsExactly("environments/production.auto.tfvars");
        assertThat(nested.planFile()).isEqualTo(".mm-deploy/production-module.x_a_b_.y.tfplan");
    }

    @Test
    void lockTimeoutsAreGoDurations() {
        assertThat(new TofuSettings(null, Duration.ofMinutes(2), null).lockTimeoutFlag()).isEqualTo("-lock-timeout=120s");
        assertThat(new TofuSettings("terraform", Duration.ofMillis(1500), null).lockTimeoutFlag()).isEqualTo("-lock-timeout=1500ms");
        assertThat(new TofuSettings("", null, null).binary()).isEqualTo("tofu");
    }

    @Test
    void parsesTheLockInfoOfTerraformsRealMessage() {
        String detail = "Error message: resource temporarily unavailable\nLock Info:\n  ID:        c400c301-722f-2680-3c4e-472e78466734\n"
                + "  Path:      state/staging.tfstate\n  Operation: OperationTypeApply\n  Who:       root@vm\n  Version:   1.11.4\n"
                + "  Created:   2026-11-22 04:29:48.322179595 +0000 UTC\n  Info:      \n\n\nTerraform acquires a state lock…";
        assertThat(StateLock.parse(detail)).contains(new StateLock("c400c301-722f-2680-3c4e-472e78466734", "state/staging.tfstate",
                "OperationTypeApply", "root@vm", "1.11.4", "2026-11-22 04:29:48.322179595 +0000 UTC"));
        assertThat(StateLock.parse("Error message: 403 Forbidden")).isEmpty();
    }

    @Test
    void readsHumanDiagnosticsInAndOutOfTheirFrame() {
        String boxed = "\u2577\n\u2502 Error: Output \"x\" not found\n\u2502 \n\u2502 The output variable requested could not be found.\n\u2575\n"
                + "\u2577\n\u2502 Warning: Something odd\n\u2502 \n\u2502 Detail.\n\u2575\n";
        assertThat(UiStream.human(boxed)).containsExactly(
                new Diagnostic(Severity.ERROR, "Output \"x\" not found", "The output variable requested could not be found.", null, ""),
                new Diagnostic(Severity.WARNING, "Something odd", "Detail.", null, ""));
        assertThat(UiStream.human("\nError: Plain one\n\nline 1\nline 2\n")).singleElement()
                .satisfies(d -> assertThat(d.detail()).isEqualTo("line 1\nline 2"));
    }

    @Test
    void theUiStreamLogsMessagesAndKeepsDiagnosticsAndIgnoresUnknownTypes() {
        List<LogEvent> events = new ArrayList<>();
        UiStream stream = new UiStream(new StageLog(events::add, "t"), false);
        stream.accept("{\"@level\":\"info\",\"@message\":\"OpenTofu 1.12.6\",\"@module\":\"tofu.ui\",\"type\":\"version\",\"ui\":\"1.2\"}");
        stream.accept("{\"@level\":\"info\",\"@message\":\"a: Still creating... [10s elapsed]\",\"type\":\"apply_progress\"}");
        stream.accept("{\"@level\":\"info\",\"@message\":\"something new\",\"type\":\"from_the_future\"}");
        stream.accept("plain human line");
        stream.accept("{not json");
        stream.accept("{\"@level\":\"error\",\"@message\":\"Error: X\",\"diagnostic\":{\"severity\":\"error\",\"summary\":\"X\",\"detail\":\"\"},\"type\":\"diagnostic\"}");
        assertThat(events).extracting(LogEvent::level, LogEvent::message).containsExactly(
                org.assertj.core.groups.Tuple.tuple(LogEvent.Level.DEBUG, "OpenTofu 1.12.6"),
                org.assertj.core.groups.Tuple.tuple(LogEvent.Level.INFO, "a: Still creating... [10s elapsed]"),
                org.assertj.core.groups.Tuple.tuple(LogEvent.Level.INFO, "something new"),
                org.assertj.core.groups.Tuple.tuple(LogEvent.Level.INFO, "plain human line"),
                org.assertj.core.groups.Tuple.tuple(LogEvent.Level.INFO, "{not json"));
        assertThat(stream.errors()).extracting(Diagnostic::summary).containsExactly("X");
        assertThat(stream.tail()).containsExactly("plain human line", "{not json");
    }

    @Test
    void theTextIsCappedAndSaysHowManyLinesWereCutWhileTheJsonKeepsEverything() throws Exception {
        PlanSummary summary = fixtureSummary();
        String full = summary.renderText(1000);
        int total = full.split("\n").length;
        String cut = summary.renderText(6);
        assertThat(cut.split("\n")).hasSize(6);
        assertThat(cut).endsWith("... " + (total - 5) + " more line(s) not shown; the release record holds the whole summary.");
        assertThat(cut).startsWith(summary.headline() + "\n!! 1 resource(s) will be DESTROYED:");

        JsonNode json = JSON.readTree(summary.toJson());
        assertThat(json.path("planHash").asText()).isEqualTo("f".repeat(64));
        assertThat(json.path("counts").path("update").asInt()).isEqualTo(3);
        assertThat(json.path("changes")).hasSize(8);
        assertThat(json.path("imageChanges").get(0).path("after").asText()).endsWith("2".repeat(64));
        assertThat(summary.toJson()).doesNotContain("TOP-SECRET", "SECRET-DATA", "db-pass", "5555555555", "6666666666");
    }

    @Test
    void outputsRedactSensitiveValuesAndRegisterThemAsSecrets() throws Exception {
        SecretMask mask = new SecretMask();
        JsonNode json = JSON.readTree("{\"creds\":{\"sensitive\":true,\"type\":[\"object\",{\"user\":\"string\",\"key\":\"string\"}],"
                + "\"value\":{\"user\":\"svc-account\",\"key\":\"k3y-material-77\"}},"
                + "\"service_urls\":{\"sensitive\":false,\"type\":[\"map\",\"string\"],\"value\":{\"agent\":\"https://a\",\"n\":null}}}");
        TofuOutputs outputs = TofuOutputs.parse(json, mask);
        assertThat(outputs.redacted()).containsEntry("creds", "(sensitive)");
        assertThat(outputs.serviceUrls()).containsExactly(java.util.Map.entry("agent", "https://a"));
        assertThat(outputs.toString() + outputs.all()).doesNotContain("k3y-material-77", "svc-account");
        assertThat(mask.mask("key k3y-material-77 user svc-account")).isEqualTo("key **** user ****");
        assertThat(outputs.value("creds").orElseThrow().path("key").asText()).isEqualTo("k3y-material-77");
        assertThat(TofuOutputs.parse(JSON.readTree("{}"), mask).serviceUrls()).isEmpty();
    }

    private static PlanSummary fixtureSummary() throws Exception {
        try (InputStream in = TofuPiecesTest.class.getResourceAsStream("/io/mmdeploy/engine/tofu/show.json")) {
            TofuRequest r = new TofuRequest("staging", "infra", List.of(), null, null);
            return PlanSummary.of(JSON.readTree(in), r, new PlanFile("infra/.mm-deploy/staging.tfplan", "f".repeat(64)), true);
        }
    }
}
