package io.mmdeploy.engine.images;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mmdeploy.engine.gcp.fake.CapturedLog;
import io.mmdeploy.engine.gcp.fake.Fixtures;
import io.mmdeploy.engine.port.Command;
import io.mmdeploy.engine.port.CommandResult;
import io.mmdeploy.engine.port.CommandRunner;
import io.mmdeploy.engine.port.Workspace;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class DockerBuildxImageBuilderTest {
    static final String DIGEST = "sha256:" + "c".repeat(64);

    /** Files in memory. */
    static final class MemoryWorkspace implements Workspace {
        final Map<String, String> files = new ConcurrentHashMap<>();

        @Override
        public Optional<String> readText(String path) {
            return Optional.ofNullable(files.get(path));
        }

        @Override
        public long size(String path) {
            return files.containsKey(path) ? files.get(path).length() : -1;
        }

        @Override
        public void writeText(String path, String text) {
            files.put(path, text);
        }

        @Override
        public boolean exists(String path) {
            return files.containsKey(path);
        }

        @Override
        public Optional<String> sha256(String path) {
            return readText(path).map(text -> {
                try {
                    return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                            .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
                } catch (java.security.NoSuchAlgorithmException e) {
                    throw new IllegalStateException("every JDK has SHA-256", e);
                }
            });
        }

        @Override
        public List<String> list(String directory) {
            return List.of();
        }

        @Override
        public boolean isDirectory(String path) {
            String prefix = path.isEmpty() ? "" : path + "/";
            return files.keySet().stream().anyMatch(f -> f.startsWith(prefix));
        }

        @Override
        public Optional<byte[]> readBytes(String path) {
            return readText(path).map(text -> text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }

        @Override
        public boolean isExecutable(String path) {
            return false;
        }

        @Override
        public String describe() {
            return "memory";
        }
    }

    final MemoryWorkspace workspace = new MemoryWorkspace();
    final List<Command> ran = new ArrayList<>();

    /** A docker that answers as scripted, writing the metadata file like buildx does. */
    CommandRunner docker(int exit, String output, String metadata) {
        return (Command command, Consumer<String> onLine) -> {
            ran.add(command);
            output.lines().forEach(onLine);
            if (metadata != null) {
                workspace.writeText(command.argv().get(command.argv().indexOf("--metadata-file") + 1), metadata);
            }
            return new CommandResult(exit, output, "");
        };
    }

    ImageBuildRequest request() {
        return new ImageBuildRequest("agent", Fixtures.staging().registry(), "agent-service", ".", "services/agent/Dockerfile",
                Map.of("PYTHON_VERSION", "3.12"), "fp1", List.of("staging-abc1234"));
    }

    @Test
    void buildsAndPushesWithBuildxAndReadsTheDigestFromTheMetadataFile() throws Exception {
        DockerBuildxImageBuilder builder = new DockerBuildxImageBuilder(
                docker(0, "#1 DONE", "{\"containerimage.digest\": \"" + DIGEST + "\"}"), workspace, Duration.ofMinutes(20));

        String digest = builder.build(request(), List.of("staging-abc1234", "fp-fp1"), new CapturedLog().stage("b"));

        assertThat(digest).isEqualTo(DIGEST);
        String repo = "us-east4-docker.pkg.dev/mindmirror-staging/mindmirror/agent-service";
        assertThat(ran.get(0).argv()).containsExactly("docker", "buildx", "build", "--push", "--metadata-file",
                ".mm-deploy/buildx/agent.json", "-f", "services/agent/Dockerfile", "-t", repo + ":staging-abc1234",
                "-t", repo + ":fp-fp1", "--build-arg", "PYTHON_VERSION=3.12", ".");
        assertThat(ran.get(0).timeout()).isEqualTo(Duration.ofMinutes(20));
    }

    @Test
    void withALayerCacheTheEnvironmentsLastImageLendsItsLayersAndThePushCarriesThem() throws Exception {
        DockerBuildxImageBuilder builder = new DockerBuildxImageBuilder(
                docker(0, "#1 DONE", "{\"containerimage.digest\": \"" + DIGEST + "\"}"), workspace, Duration.ofMinutes(20), "staging-latest");

        builder.build(request(), List.of("staging-abc1234"), new CapturedLog().stage("b"));

        String repo = "us-east4-docker.pkg.dev/mindmirror-staging/mindmirror/agent-service";
        assertThat(ran.get(0).argv()).containsSubsequence("--cache-from", "type=registry,ref=" + repo + ":staging-latest",
                "--cache-to", "type=inline").endsWith(".");
    }

    @Test
    void aRefusedPushIsAPushFailure() {
        DockerBuildxImageBuilder builder = new DockerBuildxImageBuilder(
                docker(1, "ERROR: failed to push us-east4-docker.pkg.dev/x: denied: Permission denied", null), workspace, Duration.ofMinutes(20));

        assertThatThrownBy(() -> builder.build(request(), List.of("t"), new CapturedLog().stage("b")))
                .hasMessageContaining("Push of the image of agent failed")
                .hasMessageContaining("gcloud auth configure-docker us-east4-docker.pkg.dev");
    }

    @Test
    void aFailedBuildShowsTheEndOfTheOutput() {
        DockerBuildxImageBuilder builder = new DockerBuildxImageBuilder(
                docker(1, "#5 RUN pip install\nERROR: process \"/bin/sh -c pip install\" did not complete successfully: exit code: 1", null),
                workspace, Duration.ofMinutes(20));

        assertThatThrownBy(() -> builder.build(request(), List.of("t"), new CapturedLog().stage("b")))
                .hasMessageContaining("Image build for agent failed")
                .hasMessageContaining("did not complete successfully");
    }

    @Test
    void aStaleMetadataFileIsNotTakenForThisBuildsDigest() {
        workspace.writeText(".mm-deploy/buildx/agent.json", "{\"containerimage.digest\": \"" + DIGEST + "\"}");
        DockerBuildxImageBuilder builder = new DockerBuildxImageBuilder(docker(0, "done", null), workspace, Duration.ofMinutes(20));

        assertThatThrownBy(() -> builder.build(request(), List.of("t"), new CapturedLog().stage("b")))
                .hasMessageContaining("No pushed digest for agent");
    }
}
