package io.mmdeploy.cli;

import io.mmdeploy.engine.config.EnvironmentSpec;
import io.mmdeploy.engine.gcp.GoogleClients;
import io.mmdeploy.engine.images.CloudBuildImageBuilder;
import io.mmdeploy.engine.port.Workspace;
import java.time.Duration;
import picocli.CommandLine.Option;

/** The Cloud Build options of the commands that build images. */
final class CloudBuildOptions {
    @Option(names = "--build-timeout-minutes", defaultValue = "20", description = "Longest one build may take (default: ${DEFAULT-VALUE}).")
    int timeoutMinutes;

    @Option(names = "--bucket", paramLabel = "BUCKET", description = "Staging bucket for build contexts (default: <project>_cloudbuild).")
    String bucket;

    Duration timeout() {
        return Duration.ofMinutes(timeoutMinutes);
    }

    CloudBuildImageBuilder builder(GoogleClients clients, EnvironmentSpec env, Workspace workspace) {
        return CloudBuildImageBuilder.forEnvironment(clients, env, workspace, bucket, timeout());
    }
}
