package io.jenkins.plugins.mmdeploy.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import hudson.FilePath;
import hudson.Launcher;
import hudson.model.TaskListener;
import io.mmdeploy.engine.diagnostics.DeployException;
import io.mmdeploy.engine.port.Command;
import io.mmdeploy.engine.port.CommandResult;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Workspace and CommandRunner ports on the real FilePath and Launcher (local channel, no JenkinsRule needed; needs
 * the real Jenkins classes, so it runs with -Pjenkins only). Commands use sh: skipped on Windows agents of Jenkins' CI.
 */
class HostPortsJenkinsTest {
    @TempDir
    Path dir;

    @Test
    void workspaceReadsWritesAndListsInsideItsRoot() throws Exception {
        FilePathWorkspace ws = new FilePathWorkspace(new FilePath(dir.toFile()));

        ws.writeText("infra/environments/staging.auto.tfvars", "a = 1\n");

        assertThat(Files.readString(dir.resolve("infra/environments/staging.auto.tfvars"))).isEqualTo("a = 1\n");
        assertThat(ws.readText("infra/environments/staging.auto.tfvars")).contains("a = 1\n");
        assertThat(ws.readText("missing.yaml")).isEmpty();
        assertThat(ws.size("infra/environments/staging.auto.tfvars")).isEqualTo(6);
        assertThat(ws.size("missing.yaml")).isEqualTo(-1);
        assertThat(ws.list("infra/environments")).containsExactly("staging.auto.tfvars");
        assertThat(ws.list("nowhere")).isEmpty();
        assertThat(ws.describe()).isEqualTo(dir.toFile().getPath());
        assertThatThrownBy(() -> ws.readText("../etc/passwd")).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> ws.writeText("/etc/passwd", "x")).isInstanceOf(IOException.class);
    }

    @Test
    void workspaceGivesABuildContextItsBytesDirectoriesAndExecutableBits() throws Exception {
        Files.createDirectories(dir.resolve("services/meals"));
        Files.write(dir.resolve("services/meals/model.bin"), new byte[] {0, (byte) 0xff, 10});
        Files.writeString(dir.resolve("services/meals/entrypoint.sh"), "#!/bin/sh\n");
        dir.resolve("services/meals/entrypoint.sh").toFile().setExecutable(true);
        FilePathWorkspace ws = new FilePathWorkspace(new FilePath(dir.toFile()));

        assertThat(ws.isDirectory("services/meals")).isTrue();
        assertThat(ws.isDirectory("services/meals/model.bin")).isFalse();
        assertThat(ws.readBytes("services/meals/model.bin")).hasValueSatisfying(b -> assertThat(b).containsExactly(new byte[] {0, (byte) 0xff, 10}));
        assertThat(ws.readBytes("services/meals")).isEmpty();
        assertThat(ws.readBytes("missing.bin")).isEmpty();
        if (File.pathSeparatorChar == ':') {
            assertThat(ws.isExecutable("services/meals/entrypoint.sh")).isTrue();
        }
        assertThat(ws.isExecutable("services/meals/model.bin")).isFalse();
        assertThat(ws.isExecutable("missing.bin")).isFalse();
    }

    @Test
    void commandsRunInTheWorkspaceWithTheirEnvironmentAndMaskedOutput() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(File.pathSeparatorChar == ':', "needs sh");
        Files.createDirectories(dir.resolve("infra"));
        PipelineEnvironment pipeline = PipelineEnvironment.of(Map.of("FROM_WITH_ENV", "pipeline-value", "TOKEN", "pipeline-token"));
        LauncherCommandRunner runner = new LauncherCommandRunner(new Launcher.LocalLauncher(TaskListener.NULL), new FilePath(dir.toFile()),
                pipeline);
        List<String> lines = new ArrayList<>();

        CommandResult result = runner.run(
                new Command(List.of("sh", "-c", "pwd; echo token=$TOKEN; echo with-env=$FROM_WITH_ENV; echo oops >&2; exit 3"),
                        Map.of("TOKEN", "s3cr3t-value"), "infra", null, Set.of("s3cr3t-value")),
                lines::add);

        assertThat(result.exitCode()).isEqualTo(3);
        assertThat(result.stdout()).contains(dir.resolve("infra").toRealPath().toString()).contains("token=****")
                .contains("with-env=pipeline-value").doesNotContain("s3cr3t-value").doesNotContain("pipeline-token");
        assertThat(result.stderr()).isEqualTo("oops\n");
        assertThat(lines).contains("token=****", "oops").noneMatch(l -> l.contains("s3cr3t-value"));
    }

    @Test
    void commandOverItsTimeoutIsKilledAndReported() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(File.pathSeparatorChar == ':', "needs sh");
        LauncherCommandRunner runner = new LauncherCommandRunner(new Launcher.LocalLauncher(TaskListener.NULL), new FilePath(dir.toFile()),
                PipelineEnvironment.of(Map.of()));
        long started = System.nanoTime();

        assertThatThrownBy(() -> runner.run(Command.of("sleep", "30").withTimeout(Duration.ofMillis(500)), line -> {}))
                .isInstanceOf(DeployException.class)
                .hasMessageContaining("Command timed out: sleep");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(20));
        assertThat(Thread.currentThread().isInterrupted()).isFalse();
    }

    @Test
    void aCommandOverItsTimeoutGetsSigintFirstAndEndsByItselfAsTofuDoes() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(File.pathSeparatorChar == ':', "needs sh");
        LauncherCommandRunner runner = new LauncherCommandRunner(new Launcher.LocalLauncher(TaskListener.NULL), new FilePath(dir.toFile()),
                PipelineEnvironment.of(Map.of()));
        List<String> lines = new ArrayList<>();

        assertThatThrownBy(() -> runner.run(new Command(List.of("sh", "-c", "trap 'echo releasing the lock; exit 0' INT; while :; do sleep 0.1; done"),
                        Map.of(), "", Duration.ofMillis(500), Set.of()), lines::add))
                .isInstanceOf(DeployException.class)
                .hasMessageContaining("SIGINT, then killed after");

        assertThat(lines).contains("releasing the lock");
        Path tmp = dir.resolveSibling(dir.getFileName() + "@tmp");
        assertThat(tmp.toFile().list()).as("the PID file is gone").isEmpty();
    }
}
