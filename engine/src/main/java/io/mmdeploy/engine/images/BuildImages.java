package io.mmdeploy.engine.images;

import io.mmdeploy.engine.config.RegistryPath;
import io.mmdeploy.engine.diagnostics.DeployException;
import io.mmdeploy.engine.port.StageLog;
import io.mmdeploy.engine.run.NamedTask;
import io.mmdeploy.engine.run.ParallelRunner;
import io.mmdeploy.engine.run.TaskOutcome;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The engine of mmBuildImages: every service whose fingerprint has no image yet is built and pushed, all at
 * once up to the runner's cap; a service whose fingerprint already has an image only gets the new tags.
 */
public final class BuildImages {
    public static final String STAGE = "build-images";

    private final ImageBuilder builder;
    private final ImageCatalog catalog;
    private final ParallelRunner runner;
    private final StageLog log;

    public BuildImages(ImageBuilder builder, ImageCatalog catalog, ParallelRunner runner, StageLog log) {
        this.builder = builder;
        this.catalog = catalog;
        this.runner = runner;
        this.log = log;
    }

    /** One ImageRef per request, in request order; fails with the diagnostics of every service that failed. */
    public List<ImageRef> run(List<ImageBuildRequest> requests) throws InterruptedException {
        return run(requests, image -> { });
    }

    /**
     * @param onReady told of each image as soon as it is pushed or reused, from the thread that made it (a migration of
     *     that service may start then, before the other builds end)
     */
    public List<ImageRef> run(List<ImageBuildRequest> requests, Consumer<ImageRef> onReady) throws InterruptedException {
        List<NamedTask<ImageRef>> tasks = new ArrayList<>();
        for (ImageBuildRequest request : requests) {
            tasks.add(new NamedTask<>(request.service(), () -> {
                ImageRef image = buildOrReuse(request);
                onReady.accept(image);
                return image;
            }));
        }
        log.info("Images for " + requests.size() + " service(s) with " + builder.describe() + ", at most "
                + runner.maxConcurrent() + " at once");
        List<ImageRef> images = TaskOutcome.valuesOrThrow(runner.runAll(STAGE, tasks));
        long built = images.stream().filter(ImageRef::built).count();
        log.info("Images ready: " + built + " built, " + (images.size() - built) + " reused");
        return images;
    }

    /**
     * Moves the alias tag (e.g. {@code staging-latest}) to each deployed digest. Called only once the deploy
     * has succeeded, so the alias always names what last ran successfully.
     */
    public void moveAlias(List<ImageRef> deployed, String alias) {
        for (ImageRef image : deployed) {
            int split = nthSlash(image.repository(), 3);
            RegistryPath repo = RegistryPath.parse(image.repository().substring(0, split)).orElseThrow(() ->
                    DeployException.of("Not an Artifact Registry image: " + image.repository(),
                            "Expected <location>-docker.pkg.dev/<project>/<repository>/<image>."));
            catalog.pointTag(repo, image.repository().substring(split + 1), alias, image.digest());
            log.info(image.service() + ": " + alias + " -> " + image.digest());
        }
    }

    private ImageRef buildOrReuse(ImageBuildRequest request) throws InterruptedException {
        String fingerprintTag = request.fingerprintTag();
        Optional<String> existing = catalog.digestOf(request.registry(), request.image(), fingerprintTag);
        if (existing.isPresent()) {
            for (String tag : request.tags()) {
                catalog.pointTag(request.registry(), request.image(), tag, existing.get());
            }
            log.info(request.service() + ": unchanged (" + fingerprintTag + "), reusing " + existing.get()
                    + " as " + String.join(", ", request.tags()));
            return new ImageRef(request.service(), request.repository(), request.tags(), existing.get(), false);
        }
        List<String> pushTags = new ArrayList<>(request.tags());
        pushTags.add(fingerprintTag);
        log.info(request.service() + ": building " + request.repository() + ":" + request.tags().get(0));
        String digest = builder.build(request, pushTags, log);
        log.info(request.service() + ": pushed " + request.repository() + "@" + digest);
        return new ImageRef(request.service(), request.repository(), request.tags(), digest, true);
    }

    private static int nthSlash(String text, int n) {
        int at = -1;
        for (int i = 0; i < n; i++) {
            at = text.indexOf('/', at + 1);
            if (at < 0) {
                throw DeployException.of("Not an Artifact Registry image: " + text,
                        "Expected <location>-docker.pkg.dev/<project>/<repository>/<image>.");
            }
        }
        return at;
    }
}
