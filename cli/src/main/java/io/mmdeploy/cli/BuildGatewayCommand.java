package io.mmdeploy.cli;

import io.mmdeploy.engine.steps.Stages;
import io.mmdeploy.engine.lease.Lease;
import io.mmdeploy.engine.config.DeployConfig;
import io.mmdeploy.engine.config.EnvironmentSpec;
import io.mmdeploy.engine.config.LoadedConfig;
import io.mmdeploy.engine.diagnostics.DeployException;
import io.mmdeploy.engine.gcp.GoogleClients;
import io.mmdeploy.engine.images.ImageRef;
import io.mmdeploy.engine.plan.DeployPlan;
import io.mmdeploy.engine.plan.ServicePlan;
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
        Stages stages = build.stages(this, 1);
        try (GoogleClients clients = connect(env, build.timeout()); Lease lease = holdLease(stages, env, clients)) {
            ImageRef image = stages.gatewayBuild(env, clients)
                    .run(config, env, gateway.buildFingerprint(), gateway.buildTags());
            print(image, imageLine(image));
        }
        return 0;
    }
}
