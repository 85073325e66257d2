package io.mmdeploy.engine.release;

import io.mmdeploy.engine.config.DeployConfig;
import io.mmdeploy.engine.config.EnvironmentSpec;
import io.mmdeploy.engine.images.ImageCatalog;
import io.mmdeploy.engine.port.StageLog;
import io.mmdeploy.engine.release.ReleaseRecord.ServiceRelease;
import io.mmdeploy.engine.run.NamedTask;
import io.mmdeploy.engine.run.ParallelRunner;
import io.mmdeploy.engine.run.TaskOutcome;
import io.mmdeploy.engine.source.ImageTags;
import java.util.ArrayList;
import java.util.List;

/**
 * Moves the alias tag ({@code <env>-latest}) of each image to the digest a succeeded release left live, so
 * that the registry tells the truth about what "latest" means in the environment.
 */
public final class AliasMove {
    public static final String STAGE = "alias";

    private final ImageCatalog catalog;
    private final StageLog log;
    private final ParallelRunner runner;

    /** @param runner moves the images' aliases at once (two registry calls each, at the end of every deploy) */
    public AliasMove(ImageCatalog catalog, StageLog log, ParallelRunner runner) {
        this.catalog = catalog;
        this.log = log;
        this.runner = runner;
    }

    /** One alias moved: {@code image:alias → digest}. */
    public record MovedAlias(String service, String image, String alias, String digest) {}

    /** Refuses any release that did not succeed: a failed one never defines "latest". */
    public List<MovedAlias> apply(DeployConfig config, EnvironmentSpec env, ReleaseRecord release) throws InterruptedException {
        if (!release.succeeded()) {
            throw new IllegalStateException("aliases move only after a release succeeded; " + release.id() + " "
                    + release.outcome().describe());
        }
        String alias = new ImageTags(env).alias();
        List<NamedTask<MovedAlias>> moves = new ArrayList<>();
        for (ServiceRelease serving : release.serving()) {
            String image = imageName(config, serving.name());
            if (serving.image() == null || serving.image().digest() == null || serving.revision() == null) {
                log.warn(serving.name() + ": no live digest in release " + release.id() + "; " + alias + " left where it was");
                continue;
            }
            String digest = serving.image().digest();
            moves.add(new NamedTask<>(image, () -> {
                catalog.pointTag(env.registry(), image, alias, digest);
                return new MovedAlias(serving.name(), image, alias, digest);
            }));
        }
        List<MovedAlias> moved = TaskOutcome.valuesOrThrow(runner.runAll(STAGE, moves));
        log.info("Moved " + alias + " on " + moved.size() + " image(s) to the digests of release " + release.id());
        return moved;
    }

    private static String imageName(DeployConfig config, String name) {
        return config.service(name).map(s -> s.image())
                .or(() -> config.gatewaySpec().filter(g -> g.name().equals(name)).map(g -> g.image()))
                .orElseThrow(() -> new IllegalArgumentException("no service " + name));
    }
}
