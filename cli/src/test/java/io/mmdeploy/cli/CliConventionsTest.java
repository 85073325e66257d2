package io.mmdeploy.cli;

import static io.mmdeploy.cli.MmDeployCliTest.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.mmdeploy.cli.MmDeployCliTest.Run;
import io.mmdeploy.engine.config.DeployConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/** What every subcommand does alike: help and version without a config. */
class CliConventionsTest {
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
}
