package io.mmdeploy.engine.images;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mmdeploy.engine.diagnostics.DeployException;
import io.mmdeploy.engine.port.Command;
import io.mmdeploy.engine.port.CommandResult;
import io.mmdeploy.engine.port.CommandRunner;
import io.mmdeploy.engine.port.StageLog;
import io.mmdeploy.engine.port.Workspace;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Builds with {@code docker buildx build --push} on the agent, for agents that have docker (and are logged in to
 * the registry). The pushed digest comes from the {@code --metadata-file} buildx writes.
 */
public final class DockerBuildxImageBuilder implements ImageBuilder {
    private static final List<String> PUSH_FAILURES = List.of(
            "failed to push", "push access denied", "denied:", "unauthorized", "failed to authorize");
    private static final int TAIL_LINES = 15;

    private final CommandRunner commands;
    private final Workspace workspace;
    private final Duration timeout;
    private final String cacheTag;
    private final ObjectMapper json = new ObjectMapper();

    public DockerBuildxImageBuilder(CommandRunner commands, Workspace workspace, Duration timeout) {
        this(commands, workspace, timeout, null);
    }

    /** @param cacheTag the tag of each image's previous build to take layers from ({@code <env>-latest}); null for none */
    public DockerBuildxImageBuilder(CommandRunner commands, Workspace workspace, Duration timeout, String cacheTag) {
        this.commands = commands;
        this.workspace = workspace;
        this.timeout = timeout;
        this.cacheTag = cacheTag;
    }

    @Override
    public String describe() {
        return "docker buildx";
    }

    @Override
    public String build(ImageBuildRequest request, List<String> tags, StageLog log) throws InterruptedException {
        String metadataFile = ".mm-deploy/buildx/" + request.service() + ".json";
        List<String> argv = new ArrayList<>(List.of("docker", "buildx", "build", "--push", "--metadata-file", metadataFile,
                "-f", request.dockerfilePath()));
        for (String tag : tags) {
            argv.add("-t");
            argv.add(request.repository() + ":" + tag);
        }
        for (Map.Entry<String, String> arg : request.buildArgs().entrySet()) {
            argv.add("--build-arg");
            argv.add(arg.getKey() + "=" + arg.getValue());
        }
        if (cacheTag != null) {
            // The registry as the layer cache, inline in the pushed image; a missing cache image only warns.
            argv.addAll(List.of("--cache-from", "type=registry,ref=" + request.repository() + ":" + cacheTag, "--cache-to", "type=inline"));
        }
        argv.add(request.context().isEmpty() ? "." : request.context());

        CommandResult result;
        long started = System.nanoTime();
        try {
            // Clears a digest left by an earlier run, and makes the directory buildx writes into.
            workspace.writeText(metadataFile, "{}");
            result = commands.run(new Command(argv, Map.of(), "", timeout, java.util.Set.of()), line -> log.debug(request.service() + "| " + line));
        } catch (IOException e) {
            throw DeployException.of("Cannot run docker for " + request.service(),
                    e.getMessage() + "\nInstall docker with the buildx plugin on the agent, or use the Cloud Build builder.");
        }
        if (!result.succeeded()) {
            String output = result.stdout() + "\n" + result.stderr();
            boolean timedOut = Duration.ofNanos(System.nanoTime() - started).compareTo(timeout) >= 0;
            boolean push = PUSH_FAILURES.stream().anyMatch(output.toLowerCase(Locale.ROOT)::contains);
            String summary = timedOut
                    ? "Image build for " + request.service() + " timed out after " + timeout.toMinutes() + " min"
                    : push ? "Push of the image of " + request.service() + " failed"
                            : "Image build for " + request.service() + " failed";
            throw DeployException.of(summary, "docker buildx exited with " + result.exitCode() + ":\n" + tail(output)
                    + (push ? "\nLog the agent in to " + request.registry().host()
                            + " (gcloud auth configure-docker " + request.registry().host() + ")." : ""));
        }
        return readDigest(request, metadataFile);
    }

    private String readDigest(ImageBuildRequest request, String metadataFile) {
        try {
            String text = workspace.readText(metadataFile).orElse("{}");
            JsonNode digest = json.readTree(text).path("containerimage.digest");
            if (digest.isTextual() && digest.asText().startsWith("sha256:")) {
                return digest.asText();
            }
        } catch (IOException e) {
            // Falls through: an unreadable metadata file means no digest.
        }
        throw ImageCatalog.missingDigest(request.service(), "docker buildx (" + metadataFile + ")");
    }

    private static String tail(String output) {
        List<String> lines = output.strip().lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - TAIL_LINES), lines.size()));
    }
}
