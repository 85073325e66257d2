package io.mmdeploy.engine.steps;

import io.mmdeploy.engine.images.ImageRef;
import java.util.List;

/** mmBuildImages' result: each service's image by digest, built now or reused. */
public record ImagesResult(List<ImageRef> images) {
    public ImagesResult {
        images = List.copyOf(images);
    }

    public long built() {
        return images.stream().filter(ImageRef::built).count();
    }

    public long reused() {
        return images.size() - built();
    }
}
