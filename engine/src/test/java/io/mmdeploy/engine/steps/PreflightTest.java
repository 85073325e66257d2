package io.mmdeploy.engine.steps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mmdeploy.engine.config.ApprovalPolicy.Gate;
import io.mmdeploy.engine.config.ConfigLoader;
import io.mmdeploy.engine.diagnostics.DeployException;
import io.mmdeploy.engine.gcp.fake.CapturedLog;
import io.mmdeploy.engine.port.CommandRunner;
import io.mmdeploy.engine.port.SecretMask;
import io.mmdeploy.engine.port.local.LocalCommandRunner;
import io.mmdeploy.engine.tofu.TofuSettings;
import io.mmdeploy.engine.port.local.LocalWorkspace;
import io.mmdeploy.engine.testing.ExampleRepo;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import io.mmdeploy.engine.gcp.fake.FakeGoogleCloud;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PreflightTest {
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-22T04:44:32Z"), ZoneOffset.UTC);

    @TempDir
    Path dir;
    FakeGoogleCloud cloud;

    @BeforeEach
    void start() throws Exception {
        cloud = FakeGoogleCloud.start();
    }

    @AfterEach
    void stop() throws Exception {
        cloud.close();
    }

    /**
     * The preflight only reads the cloud (the credentials' permissions).
     *
     * @param localRoot null for a workspace on another machine; {@code commands} then reach it (null: no launcher)
     */
    private PreflightResult preflight(ExampleRepo repo, Path localRoot, CommandRunner commands, String environment) throws Exception {
        LocalWorkspace ws = new LocalWorkspace(repo.root());
        StepHost host = new StepHost(ws, localRoot, commands, new CapturedLog(), new SecretMask(),
                (env, wait) -> cloud.clients(env.projectId(), wait), CLOCK, d -> { });
        return new DeploySteps(host, new ConfigLoader(ws).load(ExampleRepo.CONFIG), TofuSettings.defaults()).preflight(environment);
    }

    @Test
    void givesTheReleaseIdThePolicyAndTheAliasAndKeepsTheId() throws Exception {
        ExampleRepo repo = ExampleRepo.gitRepoInto(dir, "main");

        PreflightResult production = preflight(repo, repo.root(), null, "production");

        assertThat(production.release()).matches("20261122-044432-[0-9a-f]{7}");
        assertThat(production.approval().gated(Gate.SERVICES)).isTrue();
        assertThat(production.approval().gated(Gate.GATEWAY)).isTrue();
        assertThat(production.approval().submitters()).containsExactly("release-managers");
        assertThat(production.approval().fourEyes()).isTrue();
        assertThat(production.alias()).isEqualTo("production-latest");
        assertThat(new RunJournal(new LocalWorkspace(repo.root())).read("production").release()).isEqualTo(production.release());

        PreflightResult staging = preflight(repo, null, null, "staging");
        assertThat(staging.release()).isEqualTo("20261122-044432-unversioned");
        assertThat(staging.approval().gates()).isEmpty();
        assertThat(staging.approval().fourEyes()).isFalse();
        assertThat(staging.alias()).isEqualTo("staging-latest");
    }

    @Test
    void onAnAgentTheReleaseIdNamesTheCommitReadThroughTheLauncher() throws Exception {
        ExampleRepo repo = ExampleRepo.gitRepoInto(dir, "staging");
        String sha = repo.commit("nothing new");

        PreflightResult onAgent = preflight(repo, null, new LocalCommandRunner(repo.root()), "staging");

        assertThat(onAgent.release()).isEqualTo("20261122-044432-" + sha.substring(0, 7));
    }

    @Test
    void sharedResourcesAreRefusedBeforeAnythingIsWritten() throws Exception {
        ExampleRepo repo = ExampleRepo.copyInto(dir).replace(ExampleRepo.CONFIG, "id: mindmirror-69", "id: mindmirror-staging");

        assertThatThrownBy(() -> preflight(repo, null, null, "staging")).isInstanceOf(DeployException.class)
                .hasMessageContaining("mindmirror-staging");
        assertThat(dir.resolve(".mm-deploy")).doesNotExist();
    }

    @Test
    void aMissingPermissionStopsThePreflightWithNothingChanged() throws Exception {
        ExampleRepo repo = ExampleRepo.gitRepoInto(dir, "staging");
        cloud.iam.withhold("projects/mindmirror-staging", "run.jobs.run");

        assertThatThrownBy(() -> preflight(repo, repo.root(), null, "staging")).isInstanceOf(DeployException.class)
                .hasMessageContaining("run.jobs.run").hasMessageContaining("roles/run.admin").hasMessageContaining("Nothing was changed");
        assertThat(repo.root().resolve(".mm-deploy")).doesNotExist();
        assertThat(cloud.storage.objects()).isEmpty();
        assertThat(cloud.secretManager.exists("mindmirror-staging", "mm-releases-staging")).isFalse();
    }
}
