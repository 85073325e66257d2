package io.mmdeploy.cli;

import io.mmdeploy.engine.config.DeployConfig;
import io.mmdeploy.engine.config.EnvironmentSpec;
import io.mmdeploy.engine.config.LoadedConfig;
import io.mmdeploy.engine.diagnostics.DeployException;
import io.mmdeploy.engine.gateway.BuildGateway;
import io.mmdeploy.engine.gcp.GoogleClients;
import io.mmdeploy.engine.images.BuildImages;
import io.mmdeploy.engine.images.CloudBuildImageBuilder;
import io.mmdeploy.engine.images.GcsContextUploader;
import io.mmdeploy.engine.images.ImageCatalog;
import io.mmdeploy.engine.images.ImageRef;
import io.mmdeploy.engine.plan.DeployPlan;
import io.mmdeploy.engine.plan.ServicePlan;
import io.mmdeploy.engine.run.ParallelRunner;
import io.mmdeploy.engine.serviceurls.ServiceUrlsSecret;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code mmdeploy build-gateway}: the build half of mmDeployGateway. */
@Command(name = "build-gateway", description = "Read the service URLs from the environment's secret and build the gateway with them as build args.")
final class BuildGatewayCommand extends CloudCommand {
    @Option(names = "--build-timeout-minutes", defaultValue = "20", description = "Longest the build may take (default: ${DEFAULT-VALUE}).")
    int timeoutMinutes;

    @Option(names = "--bucket", paramLabel = "BUCKET", description = "Staging bucket for the build context (default: <project>_cloudbuild).")
    String bucket;

    @Override
    public Integer call() throws Exception {
        LoadedConfig loaded = load();
        DeployConfig config = loaded.config();
        EnvironmentSpec env = environment(config);
        DeployPlan plan = PlannedImages.plan(options, loaded);
        ServicePlan gateway = plan.gateway();
        if (gateway == null) {
            throw DeployException.of("The app has no gateway", config.file() + " has no gateway section, so there is nothing to build.");
        }
        Duration timeout = Duration.ofMinutes(timeoutMinutes);
        try (GoogleClients clients = connect(env, timeout)) {
            BuildImages images = new BuildImages(
                    new CloudBuildImageBuilder(clients.cloudBuild(), new GcsContextUploader(clients.storage(), env.projectId(), env.projectNumber()),
                            options.config.workspace().root(), env.projectId(), env.region(),
                            bucket != null ? bucket : CloudBuildImageBuilder.defaultStagingBucket(env.projectId()), timeout),
                    new ImageCatalog(clients.artifactRegistry()), new ParallelRunner(1), log(BuildImages.STAGE));
            ImageRef image = new BuildGateway(new ServiceUrlsSecret(clients.secretManager(), mask, log(ServiceUrlsSecret.STAGE)),
                    images, log(BuildGateway.STAGE))
                    .run(config, env, PlannedImages.fingerprint(gateway), PlannedImages.tags(gateway));
            print(image, String.format("%-12s %-7s %s  (%s)%n", image.service(), image.built() ? "built" : "reused", image.ref(),
                    String.join(", ", image.tags())));
        }
        return 0;
    }
}
