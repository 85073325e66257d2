package io.mmdeploy.engine.migrations;

import io.mmdeploy.engine.images.ImageRef;
import java.util.Map;

/** The image each migration runs, by its service: at hand, or waited for while this run's builds go on. */
@FunctionalInterface
public interface MigrationImages {
    /**
     * @return the service's image of this run, or null when the run has none
     * @throws io.mmdeploy.engine.diagnostics.DeployException when the run stopped before that image was ready
     */
    ImageRef await(String service) throws InterruptedException;

    /** Images every one of which is known already (a step run after mmBuildImages). */
    static MigrationImages of(Map<String, ImageRef> images) {
        return images::get;
    }
}
