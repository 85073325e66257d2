package io.mmdeploy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.mmdeploy.engine.diagnostics.DeployException;
import io.mmdeploy.engine.testing.ExampleRepo;
import io.mmdeploy.engine.testing.FakeTofu;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/**
 * Every command that changes something refuses a config whose environments share a resource (here production's
 * project is staging's) before it opens a Google client or runs tofu; a read-only mode still reads.
 */
class MutationIsolationTest {
    static final String DIGEST = "@sha256:" + "d".repeat(64);

    @TempDir
    Path dir;
    ExampleRepo repo;
    FakeTofu tofu;
    /** Google clients asked for: none may be, before the preflight passed. */
    final AtomicInteger connects = new AtomicInteger();

    record Run(int exit, String out, String err) {}

    @BeforeEach
    void sharedProject() throws Exception {
        repo = ExampleRepo.gitRepoInto(dir.resolve("app"), "staging")
                .replace(ExampleRepo.CONFIG, "id: mindmirror-69", "id: mindmirror-staging");
        tofu = new FakeTofu(dir.resolve("bin"));
    }

    static Stream<List<String>> mutations() {
        return Stream.of(
                List.of("build-images"),
                List.of("build-gateway"),
                List.of("run-migrations", "--image", "users=us-east4-docker.pkg.dev/mindmirror-staging/mindmirror/users-service" + DIGEST),
                List.of("service-urls"),
                List.of("traffic", "--service", "agent", "--previous"),
                List.of("rollback"),
                List.of("deploy"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("mutations")
    void refusesBeforeAnyCloudCall(List<String> command) {
        Run r = run(command);

        assertThat(r.exit()).as(r.out() + r.err()).isEqualTo(MmDeploy.FAILED);
        assertThat(r.err()).contains("mindmirror-staging").doesNotContain("cloud was called");
        assertThat(connects).as("Google clients opened").hasValue(0);
        assertThat(repo.root().resolve(".mm-deploy")).as("no run was started").doesNotExist();
    }

    @Test
    void applyTofuRefusesBeforeTofuRunsOrTfvarsAreWritten() throws Exception {
        String before = repo.read("infra/environments/staging.auto.tfvars");

        Run r = run(List.of("apply-tofu", "--binary", tofu.binary().toString(), "--image",
                "agent=us-east4-docker.pkg.dev/mindmirror-staging/mindmirror/agent-service" + DIGEST));

        assertThat(r.exit()).as(r.err()).isEqualTo(MmDeploy.FAILED);
        assertThat(r.err()).contains("mindmirror-staging");
        assertThat(tofu.calls()).isEmpty();
        assertThat(repo.read("infra/environments/staging.auto.tfvars")).isEqualTo(before);
    }

    @Test
    void readOnlyModesAreNotRefused() {
        // They get as far as the cloud: the preflight is for what changes things.
        for (List<String> read : List.of(List.of("service-urls", "--read"), List.of("traffic", "--service", "agent", "--list"),
                List.of("rollback", "--dry-run"), List.of("releases"))) {
            connects.set(0);
            Run r = run(read);
            assertThat(r.err()).as(read.toString()).contains("cloud was called");
            assertThat(connects).as(read.toString()).hasValue(1);
        }
    }

    /** The whole CLI, with a connector (and deploy's connection) that counts and refuses every Google client. */
    Run run(List<String> command) {
        CommandLine.IFactory factory = new CommandLine.IFactory() {
            @Override
            public <K> K create(Class<K> cls) throws Exception {
                K made = CommandLine.defaultFactory().create(cls);
                if (made instanceof CloudCommand cloud) {
                    cloud.connector = (env, wait) -> {
                        connects.incrementAndGet();
                        throw DeployException.of("cloud was called", "The test's connector refuses every client.");
                    };
                }
                if (made instanceof DeployCommand deploy) {
                    deploy.connection = (env, wait) -> {
                        connects.incrementAndGet();
                        throw DeployException.of("cloud was called", "The test's connection refuses every client.");
                    };
                    deploy.terminal = null;
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
        List<String> argv = new ArrayList<>(command);
        argv.addAll(List.of("--env", "staging", "--config", repo.config().toString()));
        return new Run(cli.execute(argv.toArray(String[]::new)), out.toString(), err.toString());
    }
}
