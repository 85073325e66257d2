package io.mmdeploy.cli;

import static io.mmdeploy.cli.MmDeployCliTest.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.mmdeploy.cli.MmDeployCliTest.Run;
import io.mmdeploy.engine.config.DeployConfig;
import io.mmdeploy.engine.testing.ExampleRepo;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/** What every subcommand does alike: help and version without a config, and notices on stderr only. */
class CliConventionsTest {
    @TempDir
    Path dir;

    @BeforeAll
    static void theWorkingDirectoryHasNoConfig() {
        // The tests run in cli/; with a config there, they would not show that help needs none.
        assertThat(Path.of(DeployConfig.DEFAULT_FILE)).doesNotExist();
    }

    /** Every registered subcommand, so that a new one is covered without touching this test. */
    static Stream<String> subcommands() {
        return new CommandLine(new MmDeploy()).getSubcommands().keySet().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("subcommands")
    void everySubcommandAnswersHelpWithoutConfigOrEnvironment(String name) {
        // picocli reports a broken usage text (such as an unescaped % in a description) on System.err itself.
        ByteArrayOutputStream jvmErr = new ByteArrayOutputStream();
        PrintStream realErr = System.err;
        System.setErr(new PrintStream(jvmErr, true, StandardCharsets.UTF_8));
        try {
            for (String flag : new String[] {"--help", "-h"}) {
                Run r = run(name, flag);
                assertThat(r.exit()).as(name + " " + flag + "\n" + r.err()).isZero();
                assertThat(r.out()).as(name + " " + flag).contains("Usage: mmdeploy " + name);
                assertThat(r.err()).as(name + " " + flag).isEmpty();
            }
        } finally {
            System.setErr(realErr);
        }
        assertThat(jvmErr.toString(StandardCharsets.UTF_8)).as(name).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("subcommands")
    void everySubcommandHasItsOwnDescription(String name) {
        // Inherited command attributes include the description: a subcommand without one would show the root's.
        CommandLine root = new CommandLine(new MmDeploy());
        assertThat(root.getSubcommands().get(name).getCommandSpec().usageMessage().description())
                .isNotEmpty()
                .isNotEqualTo(root.getCommandSpec().usageMessage().description());
    }

    @Test
    void helpNamesACommandAsBefore() {
        Run r = run("help", "plan");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("Usage: mmdeploy plan");
        assertThat(r.err()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"--version", "-V"})
    void versionIsThePomVersion(String flag) {
        String pomVersion = System.getProperty("mmdeploy.expectedVersion");
        assertThat(pomVersion).as("set by surefire from the pom").isNotBlank();
        Run r = run(flag);
        assertThat(r.exit()).isZero();
        assertThat(r.out().strip()).isEqualTo("mmdeploy " + pomVersion);
        assertThat(r.err()).isEmpty();
    }

    @Test
    void theBundledExampleNoticeGoesToStderrWhenTheExampleIsLoaded() {
        String example = ExampleRepo.copyInto(dir).config().toString();
        Run r = run("validate", "--bundled-example", example);
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.err()).contains("mmdeploy: no mm-deploy.yaml here; using the bundled example " + example);
        assertThat(r.out()).contains(example + " is valid").doesNotContain("bundled");
    }

    @Test
    void theBundledExampleNoticeIsNotPrintedForHelpOrVersion() {
        String example = ExampleRepo.copyInto(dir).config().toString();
        for (String flag : new String[] {"--help", "-h", "--version", "-V"}) {
            Run r = run("plan", "--bundled-example", example, flag);
            assertThat(r.exit()).as(flag + "\n" + r.err()).isZero();
            assertThat(r.out()).as(flag).doesNotContain("bundled example");
            assertThat(r.err()).as(flag).isEmpty();
        }
    }

    @Test
    void anExplicitConfigIsUsedWithoutTheNotice() {
        String example = ExampleRepo.copyInto(dir).config().toString();
        Path other = dir.resolve("nowhere.yaml");
        Run r = run("validate", "--config", example, "--bundled-example", other.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains(example + " is valid");
        assertThat(r.err()).doesNotContain("bundled");
    }
}
