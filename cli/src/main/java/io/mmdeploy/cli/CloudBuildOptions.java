package io.mmdeploy.cli;

import io.mmdeploy.engine.steps.Stages;
import io.mmdeploy.engine.tofu.TofuSettings;
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

    /** The command's stages with these build limits. */
    Stages stages(CloudCommand command, int maxParallel) {
        return new Stages(command.host(), TofuSettings.defaults(), command.settings().withBuilds(timeout(), maxParallel, bucket));
    }
}
