package io.mmdeploy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mmdeploy.engine.config.MalformedConfigs;
import io.mmdeploy.engine.testing.ExampleRepo;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class MmDeployCliTest {
    /** What a Java stack trace looks like in any of its forms. */
    private static final Pattern STACK_TRACE = Pattern.compile(
            "(?m)^\\s+at [\\w.$<>]+\\(|Exception in thread|\\.java:\\d+\\)|^Caused by: |^[\\w.]+(Exception|Error): ");

    @TempDir
    Path dir;

    record Run(int exit, String out, String err) {}

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = MmDeploy.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void planStagingListsTheSevenServicesAndThePhasesWithNoGate() {
        ExampleRepo repo = ExampleRepo.gitRepoInto(dir, "staging");
        Run r = run("plan", "--env", "staging", "--config", repo.config().toString());
        assertThat(r.exit()).as(r.err()).isZero();
        for (String service : new String[] {"agent", "journal", "habits", "meals", "movements", "practices", "users"}) {
            assertThat(r.out()).containsPattern("(?m)^  " + service + "\\s+build\\s+us-east4-docker.pkg.dev/mindmirror-staging/mindmirror/" + service + "-service");
        }
        assertThat(r.out()).contains("build-images", "migrations", "services-apply", "service-urls", "gateway-build", "gateway-apply", "health",
                "No approval gates: staging deploys by itself.").doesNotContain("GATE");
    }

    @Test
    void planProductionShowsTheTwoApprovalGates() {
        ExampleRepo repo = ExampleRepo.gitRepoInto(dir, "main");
        Run r = run("plan", "--env", "production", "--config", repo.config().toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(Pattern.compile("GATE").matcher(r.out()).results().count()).isEqualTo(2);
        assertThat(r.out()).contains("GATE services", "GATE gateway", "2 approval gate(s).");
    }

    @Test
    void planAsJsonIsMachineReadable() throws Exception {
        ExampleRepo repo = ExampleRepo.gitRepoInto(dir, "main");
        Run r = run("plan", "-e", "production", "-c", repo.config().toString(), "--output", "json");
        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode plan = new ObjectMapper().readTree(r.out());
        assertThat(plan.get("services")).hasSize(8);
        assertThat(plan.get("isolated").asBoolean()).isTrue();
        // The flow in order, each gate named after the plan it approves.
        assertThat(plan.get("flow").findValuesAsText("id")).containsExactly("preflight", "build-images", "gateway-build",
                "services-plan", "gate-services", "migrations", "services-apply", "service-urls", "gateway-plan", "gate-gateway",
                "gateway-apply", "health", "smoke-tests", "release", "alias");
        assertThat(plan.get("flow").get(4).get("gate").asText()).isEqualTo("services");
        assertThat(plan.get("flow").get(4).get("phase").asText()).isEqualTo("services-plan");
        assertThat(plan.get("flow").get(9).get("gate").asText()).isEqualTo("gateway");
        assertThat(plan.get("flow").get(5).get("gate").isNull()).isTrue();
        assertThat(plan.get("flow").get(5).get("title").asText()).isEqualTo("Migrations");
    }

    @Test
    void planRefusesAnEnvironmentThatIsNotIsolated() {
        ExampleRepo repo = ExampleRepo.gitRepoInto(dir, "staging")
                .replace(ExampleRepo.CONFIG, "registry: us-east4-docker.pkg.dev/mindmirror-staging/mindmirror",
                        "registry: us-east4-docker.pkg.dev/mindmirror-69/mindmirror");
        Run r = run("plan", "--env", "staging", "--config", repo.config().toString());
        assertThat(r.exit()).isEqualTo(MmDeploy.FAILED);
        assertThat(r.out()).contains("isolation violation(s); a deploy would refuse to start");
        assertThat(r.err()).contains("staging pushes images into production's project mindmirror-69");
    }

    @Test
    void anUnknownEnvironmentIsAClearError() {
        ExampleRepo repo = ExampleRepo.copyInto(dir);
        Run r = run("plan", "--env", "prod", "--config", repo.config().toString());
        assertThat(r.exit()).isEqualTo(MmDeploy.FAILED);
        assertThat(r.err()).contains("Unknown environment \"prod\"", "Did you mean \"production\"?");
        assertThat(r.err()).doesNotContainPattern(STACK_TRACE);
    }

    @Test
    void wrongUsageExitsTwoWithUsage() {
        Run r = run("plan", "--env", "staging", "--bogus");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("Unknown option: '--bogus'", "Usage: mmdeploy plan");
    }

    @Test
    void validatePassesOnTheExample() {
        Run r = run("validate", "--config", ExampleRepo.copyInto(dir).config().toString());
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("is valid: app mindmirror, 8 services, gateway mesh, 2 migration job(s), environments staging, production");
    }

    static Stream<MalformedConfigs.Case> malformed() {
        return MalformedConfigs.all().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void everyMalformedConfigGivesItsErrorAndNoStackTrace(MalformedConfigs.Case broken) {
        ExampleRepo repo = ExampleRepo.copyInto(dir);
        broken.breakIt().accept(repo);
        for (String[] args : new String[][] {
            {"validate", "--config", repo.config().toString()},
            {"plan", "--env", "staging", "--config", repo.config().toString()}
        }) {
            Run r = run(args);
            assertThat(r.exit()).as(String.join(" ", args) + "\n" + r.err()).isEqualTo(MmDeploy.FAILED);
            assertThat(r.err()).contains(broken.message());
            if (!broken.field().isEmpty()) {
                assertThat(r.err()).contains("field " + broken.field());
            }
            assertThat(r.out() + r.err()).doesNotContainPattern(STACK_TRACE);
        }
    }
}
