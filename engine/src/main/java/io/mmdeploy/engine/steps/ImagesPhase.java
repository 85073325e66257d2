package io.mmdeploy.engine.steps;

import io.mmdeploy.engine.config.EnvironmentSpec;
import io.mmdeploy.engine.config.ServiceSpec;
import io.mmdeploy.engine.diagnostics.DeployException;
import io.mmdeploy.engine.flow.Phase;
import io.mmdeploy.engine.gcp.GoogleClients;
import io.mmdeploy.engine.images.BuildImages;
import io.mmdeploy.engine.images.ImageBuildRequest;
import io.mmdeploy.engine.images.ImageRef;
import io.mmdeploy.engine.lease.Lease;
import io.mmdeploy.engine.plan.DeployPlan;
import io.mmdeploy.engine.plan.ServicePlan;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * mmBuildImages: builds (or reuses, when its fingerprint was built before) each service's image and keeps the
 * references by digest in the run; the image variables are written from them before each plan.
 */
final class ImagesPhase {
    private final RunContext run;

    ImagesPhase(RunContext run) {
        this.run = run;
    }

    /**
     * @param services the services to build; null for all
     * @param builder {@code cloudbuild} (default) or {@code docker}
     */
    ImagesResult build(EnvironmentSpec env, List<String> services, String builder) throws InterruptedException {
        return build(env, services, builder, image -> { });
    }

    /** @param onReady told of each image as soon as it is ready (a deploy run's migrations wait for theirs there) */
    ImagesResult build(EnvironmentSpec env, List<String> services, String builder, Consumer<ImageRef> onReady) throws InterruptedException {
        DeployPlan plan = run.plan(env);
        List<ImageBuildRequest> requests = new ArrayList<>();
        for (ServicePlan service : plan.services()) {
            if (services == null || services.contains(service.name())) {
                requests.add(ImageBuildRequest.forService(run.config.service(service.name()).orElseThrow(), env, service.buildFingerprint(), service.buildTags()));
            }
        }
        if (services != null && requests.size() != services.size()) {
            List<String> unknown = services.stream().filter(s -> run.config.service(s).isEmpty()).toList();
            throw DeployException.of("Unknown service in services: " + String.join(", ", unknown),
                    run.config.file() + " defines " + String.join(", ", run.config.services().stream().map(ServiceSpec::name).toList()) + ".");
        }
        Stages.builderKind(builder); // an unknown builder is refused before the run's lease and state are touched
        RunJournal.Entry entry = run.guard(env, Phase.BUILD_IMAGES);
        List<ImageRef> promoted = entry.imageRefs().values().stream().filter(i -> i.promotedFrom() != null).toList();
        if (!promoted.isEmpty() && run.flow(env).includes(Phase.PROMOTE_IMAGES)) {
            // Build once: what mmPromoteImages copied by digest is this run's image; nothing is built again.
            run.journal.update(env.name(), d -> d.phase(Phase.BUILD_IMAGES, RunJournal.SUCCEEDED, entry.commit(), run.now(),
                    "0 built: " + promoted.size() + " promoted"));
            run.stages.log(BuildImages.STAGE).info("Images promoted from " + env.promotion().from() + ": nothing to build");
            promoted.forEach(onReady);
            return new ImagesResult(promoted);
        }
        List<ImageRef> images;
        try (GoogleClients clients = run.open(env, run.stages.settings().buildTimeout());
                Lease.KeptAlive held = run.keepAlive(run.lease(env, clients, entry))) {
            run.journal.update(env.name(), d -> d.phase(Phase.BUILD_IMAGES, RunJournal.RUNNING, entry.commit(), run.now(), null));
            try {
                images = run.stages.imageBuilds(env, clients, builder).run(requests, onReady);
            } catch (RuntimeException e) {
                run.failed(env, Phase.BUILD_IMAGES, e);
                throw e;
            }
        }
        run.journal.update(env.name(), d -> {
            d.images(images);
            boolean all = run.config.services().stream().allMatch(s -> d.images.containsKey(s.name()));
            d.phase(Phase.BUILD_IMAGES, all ? RunJournal.SUCCEEDED : RunJournal.RUNNING, entry.commit(), run.now(),
                    images.stream().filter(ImageRef::built).count() + " built");
        });
        return new ImagesResult(images);
    }
}
