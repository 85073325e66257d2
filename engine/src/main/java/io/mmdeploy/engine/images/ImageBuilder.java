package io.mmdeploy.engine.images;

import io.mmdeploy.engine.port.StageLog;
import java.util.List;

/**
 * Builds one image and pushes it with the given tags. Implementations: Cloud Build, or docker buildx on the
 * agent. Failures are {@link io.mmdeploy.engine.diagnostics.DeployException}s naming the service.
 */
public interface ImageBuilder {

    /**
     * @param tags every tag to push (the request's tags plus the fingerprint tag)
     * @return the pushed digest, {@code sha256:…}
     */
    String build(ImageBuildRequest request, List<String> tags, StageLog log) throws InterruptedException;

    /** For messages: "Cloud Build", "docker buildx". */
    String describe();
}
