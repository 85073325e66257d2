package io.mmdeploy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mmdeploy.engine.release.ReleaseRecord;
import io.mmdeploy.engine.steps.StepHost;
import io.mmdeploy.engine.testing.ExampleRepo;
import io.mmdeploy.engine.world.Checkout;
import io.mmdeploy.engine.world.DeployWorld;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code mmdeploy deploy} on the engine's deploy world: the command line as a user types it, the world's tofu, clients,
 * clock and (where a test says so) a scripted terminal in place of the real ones.
 */
class DeployCommandTest {
    private static final Pattern CONTINUE = Pattern.compile("To continue after reviewing the plan: mmdeploy deploy (.*)");

    @TempDir
    Path dir;
    DeployWorld world;
    Checkout checkout;
    /** What the next command's terminal answers, one line per question; null: no terminal. */
    List<String> answers;
    final List<String> prompts = new ArrayList<>();

    record Run(int exit, String out, String err) {}

    @AfterEach
    void stop() {
        if (world != null) {
            world.close();
        }
    }

    void world(String branch) throws Exception {
        world = DeployWorld.start(dir, branch);
        checkout = world.checkout("cli:test@world");
    }

    String config() {
        return checkout.host().localRoot().resolve(ExampleRepo.CONFIG).toString();
    }

    /** As {@link MmDeploy#run}, with the deploy command's host ports on the world. */
    Run run(String... args) {
        CommandLine.IFactory factory = new CommandLine.IFactory() {
            @Override
            public <K> K create(Class<K> cls) throws Exception {
                K made = CommandLine.defaultFactory().create(cls);
                if (made instanceof DeployCommand deploy) {
                    deploy.terminal = null;
                    if (world != null) {
                        StepHost host = checkout.host();
                        deploy.commands = host.commands();
                        deploy.connection = host.google();
                        deploy.clock = world.clock;
                        deploy.sleeper = world.clock::advance;
                    }
                    if (answers != null) {
                        AtomicInteger next = new AtomicInteger();
                        deploy.terminal = prompt -> {
                            prompts.add(prompt);
                            return answers.get(next.getAndIncrement());
                        };
                    }
                }
                return made;
            }
        };
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new MmDeploy(), factory);
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        MmDeploy.reporting(cli);
        return new Run(cli.execute(args), out.toString(), err.toString());
    }

    @Test
    void helpNamesTheOptions() {
        Run r = run("deploy", "--help");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("Usage: mmdeploy deploy", "--plan-only", "--approve-plan=GATE=HASH", "--tofu", "--lease-wait",
                "--break-lease", "--credentials", "--output");
    }

    @Test
    void anUnknownGateIsAUsageErrorBeforeAnythingRuns() throws Exception {
        world("main");
        Map<String, String> before = world.serving("production");

        Run r = run("deploy", "--env", "production", "--config", config(), "--approve-plan", "bogus=x");

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("--approve-plan bogus=…: the gate is services or gateway");
        assertThat(world.records("production")).isEmpty();
        assertThat(world.builds()).isZero();
        assertThat(world.serving("production")).isEqualTo(before);
    }

    @Test
    void aGatedEnvironmentWithoutATerminalRefusesAtTheGateAndSaysHowToApprove() throws Exception {
        world("main");
        Map<String, String> before = world.serving("production");

        Run r = run("deploy", "--env", "production", "--config", config());

        assertThat(r.exit()).as(r.out() + r.err()).isEqualTo(MmDeploy.FAILED);
        String hash = checkout.journal("production").pending().get("services-plan").hash();
        assertThat(r.err()).contains("The services plan of production needs approval, and there is no terminal to ask",
                "--approve-plan services=" + hash, "--plan-only");
        // The refusal is at gate 1: nothing in production changed, no migration ran.
        assertThat(world.serving("production")).isEqualTo(before);
        assertThat(world.migrationExecutions()).isZero();
        assertThat(r.out() + r.err()).doesNotContain(DeployWorld.TOKEN);
    }

    @Test
    void planOnlyPrintsTheCommandToContinueAndThatCommandDeploysProductionGateByGate() throws Exception {
        world("main");
        Map<String, String> before = world.serving("production");

        Run first = run("deploy", "--env", "production", "--config", config(), "--plan-only");

        assertThat(first.exit()).as(first.err()).isZero();
        String hash = checkout.journal("production").pending().get("services-plan").hash();
        assertThat(first.out()).contains(": WAITING at the services gate, plan " + hash, "build-images");
        assertThat(first.err()).containsPattern("\\[\\d+/\\d+\\] ");
        assertThat(world.serving("production")).isEqualTo(before);
        String[] next = continueArgs(first);
        assertThat(String.join(" ", next)).isEqualTo("deploy --env production --config " + config() + " --approve-plan services=" + hash);

        // The printed command, reviewed once more with --plan-only: it passes gate 1 and stops at the gateway's.
        Run second = run(concat(next, "--plan-only"));
        assertThat(second.exit()).as(second.err()).isZero();
        assertThat(second.out()).contains(": WAITING at the gateway gate");
        assertThat(world.migrationExecutions()).isPositive();

        Run third = run(continueArgs(second));
        assertThat(third.exit()).as(third.err()).isZero();
        assertThat(third.out()).contains(": SUCCEEDED");
        ReleaseRecord record = world.assertConverged("production");
        assertThat(third.out()).startsWith("Release " + record.id() + ": SUCCEEDED");
        assertThat(record.approvals()).extracting(ReleaseRecord.Approval::phase).containsExactly("services", "gateway");
        world.assertNoSecretLeaked();
    }

    @Test
    void atATerminalYesApprovesEachGateAsTheUser() throws Exception {
        world("main");
        answers = List.of("yes", "yes");

        Run r = run("deploy", "--env", "production", "--config", config());

        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(prompts).hasSize(2);
        assertThat(prompts.get(0)).matches("Approve the services plan [0-9a-f]{12} for production\\? Type yes to approve: ");
        assertThat(prompts.get(1)).startsWith("Approve the gateway plan ");
        assertThat(r.err()).contains("Image changes:");
        ReleaseRecord record = world.assertConverged("production");
        assertThat(record.approvals()).extracting(ReleaseRecord.Approval::approver)
                .containsOnly(System.getProperty("user.name"));
    }

    @Test
    void atATerminalAnythingButYesRejectsAndChangesNothing() throws Exception {
        world("main");
        Map<String, String> before = world.serving("production");
        answers = List.of("y");

        Run r = run("deploy", "--env", "production", "--config", config());

        assertThat(r.exit()).isEqualTo(MmDeploy.FAILED);
        assertThat(r.out()).contains(": REJECTED at the services gate");
        assertThat(r.err()).contains("The services plan of production was rejected");
        assertThat(world.serving("production")).isEqualTo(before);
        assertThat(world.migrationExecutions()).isZero();
        assertThat(world.newestRecord("production").succeeded()).isFalse();
    }

    @Test
    void stagingDeploysEndToEndAndPrintsTheResultAsJson() throws Exception {
        world("staging");

        Run r = run("deploy", "--env", "staging", "--config", config(), "-o", "json", "--lease-wait", "5");

        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode result = new ObjectMapper().readTree(r.out());
        ReleaseRecord record = world.assertConverged("staging");
        assertThat(result.path("release").asText()).isEqualTo(record.id());
        assertThat(result.path("status").asText()).isEqualTo("SUCCEEDED");
        List<String> phases = new ArrayList<>();
        result.path("phases").fieldNames().forEachRemaining(phases::add);
        assertThat(phases).containsExactly("build-images", "gateway-build", "services-plan", "migrations", "services-apply",
                "service-urls", "gateway-plan", "gateway-apply", "health", "smoke-tests", "release", "alias");
        assertThat(r.err()).contains("] Build images").doesNotContain(DeployWorld.TOKEN);
        world.assertNoSecretLeaked();
    }

    /** The arguments of the command the run printed to continue, after {@code mmdeploy deploy}. */
    private static String[] continueArgs(Run r) {
        Matcher m = CONTINUE.matcher(r.out());
        assertThat(m.find()).as(r.out()).isTrue();
        return concat(new String[] {"deploy"}, m.group(1).strip().split(" "));
    }

    private static String[] concat(String[] a, String... b) {
        String[] all = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
