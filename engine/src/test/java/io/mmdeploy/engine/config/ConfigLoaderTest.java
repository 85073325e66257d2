package io.mmdeploy.engine.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.mmdeploy.engine.diagnostics.DeployException;
import io.mmdeploy.engine.diagnostics.Diagnostic;
import io.mmdeploy.engine.port.local.LocalWorkspace;
import io.mmdeploy.engine.testing.ExampleRepo;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ConfigLoaderTest {
    @TempDir
    Path dir;

    private LoadedConfig load(ExampleRepo repo) {
        return new ConfigLoader(new LocalWorkspace(repo.root())).load(ExampleRepo.CONFIG);
    }

    @Test
    void theBundledExampleIsValidAndCompleteAsTheSeedsDescribeIt() {
        LoadedConfig loaded = load(ExampleRepo.copyInto(dir));
        DeployConfig config = loaded.config();
        assertThat(loaded.warnings()).isEmpty();
        assertThat(config.app()).isEqualTo("mindmirror");
        assertThat(config.services()).extracting(ServiceSpec::name)
                .containsExactly("agent", "journal", "habits", "meals", "movements", "practices", "users", "celery-worker");
        EnvironmentSpec staging = config.environment("staging");
        EnvironmentSpec production = config.environment("production");
        assertThat(staging.projectId()).isEqualTo("mindmirror-staging");
        assertThat(production.projectId()).isEqualTo("mindmirror-69");
        assertThat(config.services().get(0).cloudRunService(staging)).isEqualTo("agent-service-staging");
        assertThat(config.services().get(0).cloudRunService(production)).isEqualTo("agent-service");
        assertThat(staging.approval().hasGates()).isFalse();
        assertThat(production.approval().gates()).containsExactly(ApprovalPolicy.Gate.SERVICES, ApprovalPolicy.Gate.GATEWAY);
        assertThat(production.approval().fourEyes()).isTrue();
        assertThat(production.approval().timeout()).isEqualTo(Duration.ofMinutes(60));
        assertThat(staging.serviceUrlsSecret()).isEqualTo("service-urls-staging");
        assertThat(config.gateway().health()).isEqualTo(new HealthSpec("/healthcheck", 3, Duration.ofSeconds(10)));
        assertThat(config.gateway().serviceUrlArgs()).containsEntry("USERS_SERVICE_URL", "users").hasSize(7);
        assertThat(config.migrations()).extracting(m -> m.cloudRunJob(staging)).containsExactly("migrate-main-staging", "migrate-habits-staging");
        assertThat(staging.tags()).isEqualTo(TagScheme.defaults());
        assertThat(config.services().get(0).health()).isEqualTo(HealthSpec.defaults());
        // The celery worker answers no HTTP: it has no URL, and its health is Cloud Run's Ready condition.
        assertThat(config.service("celery-worker").orElseThrow().health().kind()).isEqualTo(HealthSpec.Kind.READY);
        assertThat(config.httpServices()).extracting(ServiceSpec::name).doesNotContain("celery-worker").hasSize(7);
        assertThat(config.gateway().smokeTests()).singleElement().satisfies(t -> {
            assertThat(t.method()).isEqualTo("POST");
            assertThat(t.path()).isEqualTo("/graphql");
            assertThat(t.status()).isEqualTo(200);
            assertThat(t.headers().get("Authorization")).isEqualTo(SmokeTestSpec.HeaderValue.fromSecret("mesh-smoke-token", "Bearer "));
            assertThat(t.json()).extracting(SmokeTestSpec.JsonExpectation::describe).containsExactly("/data/__typename = Query", "/errors absent");
        });
    }

    static Stream<MalformedConfigs.Case> malformed() {
        return MalformedConfigs.all().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void eachMalformedConfigIsRefusedNamingTheFieldAndWhatWasExpected(MalformedConfigs.Case broken) {
        ExampleRepo repo = ExampleRepo.copyInto(dir);
        broken.breakIt().accept(repo);
        DeployException failure = catchThrowableOfType(DeployException.class, () -> load(repo));
        assertThat(failure).as("a DeployException for: " + broken.name()).isNotNull();
        assertThat(failure.diagnostics()).allMatch(Diagnostic::isError);
        assertThat(failure.diagnostics())
                .as("diagnostics of " + broken.name() + ":\n" + failure.getMessage())
                .anySatisfy(d -> {
                    assertThat(d.field()).isEqualTo(broken.field());
                    assertThat(d.summary() + "\n" + d.detail()).contains(broken.message());
                    assertThat(d.position()).isNotNull();
                    assertThat(d.position().file()).isEqualTo(ExampleRepo.CONFIG);
                });
    }

    @Test
    void thereAreAtLeastFortyDistinctMalformedCases() {
        assertThat(MalformedConfigs.all()).extracting(MalformedConfigs.Case::name).doesNotHaveDuplicates().hasSizeGreaterThanOrEqualTo(40);
    }

    @Test
    void reportsEveryErrorAtOnceWithLineAndColumn() {
        ExampleRepo repo = ExampleRepo.copyInto(dir)
                .replace(ExampleRepo.CONFIG, "cloudRunName: agent-service", "cloudRunName: Agent")
                .replace(ExampleRepo.CONFIG, "id: mindmirror-69", "id: MM")
                .replace(ExampleRepo.CONFIG, "timeoutSeconds: 600", "timeoutSecs: 600");
        DeployException failure = catchThrowableOfType(DeployException.class, () -> load(repo));
        assertThat(failure.diagnostics()).extracting(Diagnostic::field)
                .contains("services[0].cloudRunName", "environments.production.project.id", "migrations[1].timeoutSecs");
        String text = repo.read(ExampleRepo.CONFIG);
        int line = (int) text.substring(0, text.indexOf("cloudRunName: Agent")).chars().filter(c -> c == '\n').count() + 1;
        Diagnostic runName = failure.diagnostics().stream().filter(d -> d.field().equals("services[0].cloudRunName")).findFirst().orElseThrow();
        assertThat(runName.position().line()).isEqualTo(line);
        assertThat(runName.position().column()).isEqualTo(19);
        assertThat(runName.render()).startsWith("Error: Invalid Cloud Run service name \"Agent\"\n  on mm-deploy.yaml:" + line + ":19, field services[0].cloudRunName");
    }

    @Test
    void unknownEnvironmentOnTheCommandLineSuggestsTheClosest() {
        DeployConfig config = load(ExampleRepo.copyInto(dir)).config();
        assertThatThrownBy(() -> config.environment("prod"))
                .isInstanceOf(DeployException.class)
                .hasMessageContaining("Unknown environment \"prod\"")
                .hasMessageContaining("Did you mean \"production\"?");
        assertThatThrownBy(() -> config.environment("stagign")).hasMessageContaining("Did you mean \"staging\"?");
    }

    @Test
    void theSupplyChainKeysAreReadWithTheirDefaults() {
        ExampleRepo repo = ExampleRepo.copyInto(dir);
        repo.replace(ExampleRepo.CONFIG, "    serviceUrlsSecret: service-urls-production\n", "    serviceUrlsSecret: service-urls-production\n"
                + "    promoteFrom: staging\n    requirePromotion: true\n    vulnerabilities:\n      scanTimeoutSeconds: 120\n      allowlist:\n"
                + "        - {id: CVE-2024-3094, images: [agent, mesh], reason: not used at run time, expires: 2027-01-31}\n"
                + "    retention: {keepLast: 5, keepReleases: 20}\n");
        EnvironmentSpec prod = load(repo).config().environment("production");
        EnvironmentSpec staging = load(repo).config().environment("staging");

        assertThat(prod.promotion()).isEqualTo(new PromotionSpec("staging", true));
        assertThat(prod.vulnerabilities().threshold()).isEqualTo(VulnerabilityPolicy.Threshold.CRITICAL);
        assertThat(prod.vulnerabilities().scanTimeout()).isEqualTo(java.time.Duration.ofSeconds(120));
        assertThat(prod.vulnerabilities().warnOnTimeout()).isFalse();
        assertThat(prod.vulnerabilities().allowlist()).containsExactly(new VulnerabilityPolicy.AllowedFinding("CVE-2024-3094",
                java.util.List.of("agent", "mesh"), "not used at run time", java.time.LocalDate.parse("2027-01-31")));
        assertThat(prod.retention()).isEqualTo(new RetentionPolicy(5, 30, 20));
        assertThat(staging.promotion()).isNull();
        assertThat(staging.vulnerabilities()).isNull();
        assertThat(staging.retention()).isEqualTo(RetentionPolicy.defaults());
    }

    @Test
    void theExamplesProductionHasACanaryAndStagingMovesTrafficAtOnce() {
        ExampleRepo repo = ExampleRepo.copyInto(dir);
        EnvironmentSpec prod = load(repo).config().environment("production");

        assertThat(prod.rollout()).isEqualTo(new RolloutPolicy(java.util.List.of(10, 50, 100), Duration.ofSeconds(300),
                new RolloutPolicy.Analysis(1.0, Duration.ofMillis(1500), 50)));
        assertThat(load(repo).config().environment("staging").rollout()).isNull();

        repo.replace(ExampleRepo.CONFIG, "        maxErrorPercent: 1\n        maxP95Millis: 1500\n        minRequests: 50\n",
                "        maxErrorPercent: 0.5\n");
        assertThat(load(repo).config().environment("production").rollout().analysis())
                .isEqualTo(new RolloutPolicy.Analysis(0.5, RolloutPolicy.Analysis.DEFAULT_MAX_P95, RolloutPolicy.Analysis.DEFAULT_MIN_REQUESTS));
    }

    @Test
    void crossRegionRegistryIsAWarningNotAnError() {
        ExampleRepo repo = ExampleRepo.copyInto(dir).replace(ExampleRepo.CONFIG, "    region: us-east4\n    registry: us-east4-docker.pkg.dev/mindmirror-69",
                "    region: us-central1\n    registry: us-east4-docker.pkg.dev/mindmirror-69");
        LoadedConfig loaded = load(repo);
        assertThat(loaded.warnings()).singleElement().satisfies(w -> {
            assertThat(w.isError()).isFalse();
            assertThat(w.field()).isEqualTo("environments.production.registry");
        });
    }
}
