package io.mmdeploy.engine.plan;

import static org.assertj.core.api.Assertions.assertThat;

import io.mmdeploy.engine.config.ConfigLoader;
import io.mmdeploy.engine.config.LoadedConfig;
import io.mmdeploy.engine.flow.FlowStep;
import io.mmdeploy.engine.port.local.LocalWorkspace;
import io.mmdeploy.engine.source.SourceTree;
import io.mmdeploy.engine.testing.ExampleRepo;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The planner's assertions, run against each way of reading git (the subclasses): both must plan alike on a
 * real repository.
 */
abstract class DeployPlannerContract {
    @TempDir
    Path dir;

    /** The history of the work tree that holds {@code configDir}. */
    abstract SourceTree sourceTree(Path configDir);

    private DeployPlan plan(ExampleRepo repo, String env, String since) {
        LocalWorkspace ws = new LocalWorkspace(repo.root());
        LoadedConfig loaded = new ConfigLoader(ws).load(ExampleRepo.CONFIG);
        try (SourceTree git = sourceTree(repo.root())) {
            return new DeployPlanner(ws, Optional.of(git)).plan(loaded, env, since);
        }
    }

    @Test
    void stagingHasEveryPhaseInSeedOrderAndNoGate() {
        ExampleRepo repo = ExampleRepo.gitRepoInto(dir, "staging");
        DeployPlan plan = plan(repo, "staging", null);
        assertThat(plan.flow()).extracting(FlowStep::id).containsExactly("preflight", "build-images", "gateway-build",
                "services-plan", "migrations", "services-apply", "service-urls", "gateway-plan", "gateway-apply", "health", "smoke-tests",
                "release", "alias");
        assertThat(plan.gateCount()).isZero();
        assertThat(plan.isolated()).isTrue();
        assertThat(plan.services()).hasSize(8).allMatch(ServicePlan::rebuild);
        String sha = plan.revision().shortSha();
        assertThat(plan.services().get(0).tags()).containsExactly("staging-" + sha);
        assertThat(plan.alias()).isEqualTo("staging-latest");
        assertThat(plan.warnings()).isEmpty();
    }

    @Test
    void productionGatesEachPlanBeforeAnythingItLeadsToMigrationsIncluded() {
        DeployPlan plan = plan(ExampleRepo.gitRepoInto(dir, "main"), "production", null);
        assertThat(plan.flow()).extracting(FlowStep::id).containsExactly("preflight", "build-images", "gateway-build",
                "services-plan", "gate-services", "migrations", "services-apply", "service-urls", "gateway-plan", "gate-gateway",
                "gateway-apply", "health", "smoke-tests", "release", "alias");
        assertThat(plan.services().get(0).cloudRunService()).isEqualTo("agent-service");
        assertThat(plan.services().get(0).repository()).isEqualTo("us-east4-docker.pkg.dev/mindmirror-69/mindmirror/agent-service");
    }

    @Test
    void onlyTheServiceWhoseWatchedPathsChangedIsRebuilt() {
        ExampleRepo repo = ExampleRepo.gitRepoInto(dir, "staging");
        String before = repo.commit("nothing changed");
        repo.write("services/meals/app/recipes.py", "RECIPES = []\n");
        repo.commit("meals: add recipes");
        DeployPlan plan = plan(repo, "staging", before);
        assertThat(plan.services()).filteredOn(ServicePlan::rebuild).extracting(ServicePlan::name).containsExactly("meals");
        ServicePlan agent = plan.services().get(0);
        assertThat(agent.fingerprint()).isEqualTo(agent.baseline());
        assertThat(agent.reason()).startsWith("unchanged since");
    }

    @Test
    void aChangeInSharedCodeRebuildsEveryServiceThatWatchesIt() {
        ExampleRepo repo = ExampleRepo.gitRepoInto(dir, "staging");
        String before = repo.commit("baseline");
        repo.write("shared/mindmirror_shared/tracing.py", "ENABLED = True\n");
        repo.commit("shared: tracing");
        assertThat(plan(repo, "staging", before).rebuildCount()).isEqualTo(8);
    }

    @Test
    void aChangedBuildArgChangesTheFingerprintWithoutAnyFileChange() {
        ExampleRepo repo = ExampleRepo.gitRepoInto(dir, "staging");
        String before = plan(repo, "staging", null).services().get(2).fingerprint();
        repo.replace(ExampleRepo.CONFIG, "      dockerfile: services/habits/Dockerfile\n", "      dockerfile: services/habits/Dockerfile\n      args:\n        PYTHON: \"3.13\"\n");
        repo.commit("habits on 3.13");
        assertThat(plan(repo, "staging", null).services().get(2).fingerprint()).isNotEqualTo(before);
    }

    @Test
    void uncommittedChangesAndTheWrongBranchAreWarnedAbout() {
        ExampleRepo repo = ExampleRepo.gitRepoInto(dir, "feature/login");
        repo.write("services/users/app/login.py", "pass\n");
        DeployPlan plan = plan(repo, "staging", null);
        assertThat(plan.warnings()).extracting(d -> d.summary())
                .contains("Uncommitted changes in services/users", "Branch feature/login does not deploy to staging")
                .as("only the service whose watched path holds the change").filteredOn(w -> w.startsWith("Uncommitted")).hasSize(1);
        assertThat(plan.services().get(0).tags().get(0)).startsWith("feature-login-");
    }

    @Test
    void aVersionTagOnTheCommitBecomesAnImageTag() throws Exception {
        ExampleRepo repo = ExampleRepo.gitRepoInto(dir, "main");
        try (org.eclipse.jgit.api.Git git = org.eclipse.jgit.api.Git.open(repo.root().toFile())) {
            git.tag().setName("v1.2.3").setAnnotated(true).setMessage("release").setSigned(false).call();
        }
        assertThat(plan(repo, "production", null).services().get(0).tags()).hasSize(2).last().isEqualTo("v1.2.3");
    }

    @Test
    void theTextNamesGatesAndTheAlias() {
        ExampleRepo repo = ExampleRepo.gitRepoInto(dir, "main");
        LocalWorkspace ws = new LocalWorkspace(repo.root());
        LoadedConfig loaded = new ConfigLoader(ws).load(ExampleRepo.CONFIG);
        String text = new DeployPlanText(loaded.config()).render(plan(repo, "production", null));
        String gate = ": waits for approval of that plan by release-managers, times out after 60 min, four-eyes";
        assertThat(text).contains("GATE services" + gate, "GATE gateway" + gate, "2 approval gate(s).",
                "Move production-latest to the deployed digests", "After success the tag production-latest moves", "Preflight: OK");
        // Each gate right after the plan it approves; in production the migrations wait for the services gate.
        assertThat(text).containsSubsequence("services-plan", "GATE services", "migrations", "services-apply", "gateway-plan",
                "GATE gateway", "gateway-apply", "alias");
        assertThat(text).contains("migrations      Run migrations (Cloud Run Jobs): migrate-main, migrate-habits");
    }
}
