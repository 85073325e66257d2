package io.mmdeploy.engine.steps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mmdeploy.engine.config.ConfigLoader;
import io.mmdeploy.engine.diagnostics.DeployException;
import io.mmdeploy.engine.port.local.LocalWorkspace;
import io.mmdeploy.engine.testing.ExampleRepo;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PreflightTest {
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-22T04:44:32Z"), ZoneOffset.UTC);

    @TempDir
    Path dir;

    private Map<String, Object> preflight(ExampleRepo repo, Path localRoot, String environment) {
        LocalWorkspace ws = new LocalWorkspace(repo.root());
        return new Preflight(ws, localRoot, CLOCK).run(new ConfigLoader(ws).load(ExampleRepo.CONFIG), environment);
    }

    @Test
    void givesTheReleaseIdThePolicyAndTheAliasAndKeepsTheId() {
        ExampleRepo repo = ExampleRepo.gitRepoInto(dir, "main");

        Map<String, Object> production = preflight(repo, repo.root(), "production");

        assertThat(production.keySet()).containsExactly("environment", "violations", "release", "approval", "alias");
        assertThat((String) production.get("release")).matches("20261122-044432-[0-9a-f]{7}");
        assertThat(production.get("approval")).isEqualTo(Map.of(
                "gates", List.of("services", "gateway"), "timeoutMinutes", 60, "submitters", List.of("release-managers"), "fourEyes", true));
        assertThat(production).containsEntry("alias", "production-latest").containsEntry("violations", List.of());
        assertThat(new RunJournal(new LocalWorkspace(repo.root())).read("production").release()).isEqualTo(production.get("release"));

        Map<String, Object> staging = preflight(repo, null, "staging");
        assertThat(staging.get("release")).isEqualTo("20261122-044432-unversioned");
        assertThat(DeployStepsTest.map(staging.get("approval"))).containsEntry("gates", List.of()).containsEntry("fourEyes", false);
        assertThat(staging).containsEntry("alias", "staging-latest");
    }

    @Test
    void sharedResourcesAreRefusedBeforeAnythingIsWritten() {
        ExampleRepo repo = ExampleRepo.copyInto(dir).replace(ExampleRepo.CONFIG, "id: mindmirror-69", "id: mindmirror-staging");

        assertThatThrownBy(() -> preflight(repo, null, "staging")).isInstanceOf(DeployException.class)
                .hasMessageContaining("mindmirror-staging");
        assertThat(dir.resolve(".mm-deploy")).doesNotExist();
    }
}
