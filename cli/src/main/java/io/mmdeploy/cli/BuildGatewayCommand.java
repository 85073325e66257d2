package io.mmdeploy.cli;

import io.mmdeploy.engine.config.DeployConfig;
import io.mmdeploy.engine.config.EnvironmentSpec;
import io.mmdeploy.engine.config.LoadedConfig;
import io.mmdeploy.engine.diagnostics.DeployException;
import io.mmdeploy.engine.gateway.BuildGateway;
import io.mmdeploy.engine.gcp.GoogleClients;
import io.mmdeploy.engine.images.BuildImages;
import io.mmdeploy.engine.images.ImageCatalog;
import io.mmdeploy.engine.images.ImageRef;
import io.mmdeploy.engine.plan.DeployPlan;
import io.mmdeploy.engine.plan.ServicePlan;
import io.mmdeploy.engine.run.ParallelRunner;
import io.mmdeploy.engine.steps.DeploySteps;
import io.mmdeploy.engine.serviceurls.ServiceUrlsSecret;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code mmdeploy build-gateway}: the build half of mmDeployGateway. */
@Command(name = "build-gateway", description = "Read the service URLs from the environment's secret and build the gateway with them as build args.")
final class BuildGatewayCommand extends CloudCommand {
    @Mixin
    CloudBuildOptions build;

    @Override
    boolean mutates() {
        return true;
    }

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
        try (GoogleClients clients = connect(env, build.timeout())) {
            BuildImages images = new BuildImages(
                    build.builder(clients, env, options.config.workspace()),
                    new ImageCatalog(clients.artifactRegistry()), new ParallelRunner(1), log(BuildImages.STAGE));
            ImageRef image = new BuildGateway(new ServiceUrlsSecret(clients.secretManager(), mask, log(ServiceUrlsSecret.STAGE)),
                    images, log(BuildGateway.STAGE))
                    .run(config, env, gateway.buildFingerprint(), gateway.buildTags());
            print(image, imageLine(image));
        }
        return 0;
    }
}
