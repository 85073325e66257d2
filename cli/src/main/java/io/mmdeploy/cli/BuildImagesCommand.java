package io.mmdeploy.cli;

import io.mmdeploy.engine.steps.Stages;
import io.mmdeploy.engine.lease.Lease;
import io.mmdeploy.engine.config.DeployConfig;
import io.mmdeploy.engine.config.EnvironmentSpec;
import io.mmdeploy.engine.config.LoadedConfig;
import io.mmdeploy.engine.config.ServiceSpec;
import io.mmdeploy.engine.diagnostics.DeployException;
import io.mmdeploy.engine.gcp.GoogleClients;
import io.mmdeploy.engine.images.ImageBuildRequest;
import io.mmdeploy.engine.images.ImageRef;
import io.mmdeploy.engine.plan.DeployPlan;
import io.mmdeploy.engine.plan.ServicePlan;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code mmdeploy build-images}: the engine of mmBuildImages, with Cloud Build. */
@Command(name = "build-images", description = "Build and push the image of every service whose sources changed (Cloud Build, in"
        + " parallel); an unchanged service reuses its image and only gets the new tags.")
final class BuildImagesCommand extends CloudCommand {
    @Option(names = "--services", split = ",", paramLabel = "NAME", description = "Only these services (default: all).")
    List<String> services;

    @Option(names = "--max-parallel", defaultValue = "8", description = "Builds at once (default: ${DEFAULT-VALUE}).")
    int maxParallel;

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
        List<ImageBuildRequest> requests = new ArrayList<>();
        for (ServicePlan service : plan.services()) {
            if (services != null && !services.contains(service.name())) {
                continue;
            }
            ServiceSpec spec = config.service(service.name()).orElseThrow();
            requests.add(ImageBuildRequest.forService(spec, env, service.buildFingerprint(), service.buildTags()));
        }
        if (services != null && requests.size() != services.size()) {
            throw DeployException.of("Unknown service in --services " + String.join(",", services),
                    config.file() + " defines " + String.join(", ", config.services().stream().map(ServiceSpec::name).toList()) + ".");
        }
        Stages stages = build.stages(this, maxParallel);
        try (GoogleClients clients = connect(env, build.timeout()); Lease lease = holdLease(stages, env, clients)) {
            List<ImageRef> images = stages.imageBuilds(env, clients, Stages.CLOUD_BUILD).run(requests);
            StringBuilder text = new StringBuilder();
            for (ImageRef image : images) {
                text.append(imageLine(image));
            }
            print(images, text.toString());
        }
        return 0;
    }
}
