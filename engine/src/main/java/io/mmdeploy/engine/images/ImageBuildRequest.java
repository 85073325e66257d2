package io.mmdeploy.engine.images;

import io.mmdeploy.engine.config.EnvironmentSpec;
import io.mmdeploy.engine.config.RegistryPath;
import io.mmdeploy.engine.config.ServiceSpec;
import io.mmdeploy.engine.source.Sha256;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What to build for one service: the inputs come from the config and from the source fingerprint (computed
 * elsewhere, so this stage does not depend on git).
 *
 * @param service the service name
 * @param registry the environment's Artifact Registry repository
 * @param image the image name in it
 * @param context the build context, relative to the app repository root
 * @param dockerfile the Dockerfile, relative to the app repository root; null for {@code <context>/Dockerfile}
 * @param buildArgs {@code --build-arg} values, in order
 * @param fingerprint the content fingerprint of the build context: an unchanged one means "reuse"
 * @param tags the tags to give the image, the scheme's tag first
 */
public record ImageBuildRequest(
        String service,
        RegistryPath registry,
        String image,
        String context,
        String dockerfile,
        Map<String, String> buildArgs,
        String fingerprint,
        List<String> tags) {

    private static final Pattern TAG_SAFE = Pattern.compile("[a-z0-9]{7,64}");

    public ImageBuildRequest {
        buildArgs = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(buildArgs));
        tags = List.copyOf(tags);
        if (tags.isEmpty()) {
            throw new IllegalArgumentException("no tags for " + service);
        }
    }

    /** The request for one service of the config, in one environment. */
    public static ImageBuildRequest forService(ServiceSpec spec, EnvironmentSpec env, String fingerprint, List<String> tags) {
        return new ImageBuildRequest(spec.name(), env.registry(), spec.image(), spec.build().context(), spec.build().dockerfile(),
                spec.build().args(), fingerprint, tags);
    }

    public String repository() {
        return registry.image(image);
    }

    /** The Dockerfile's path relative to the repository root. */
    public String dockerfilePath() {
        if (dockerfile != null && !dockerfile.isBlank()) {
            return dockerfile;
        }
        return context.equals(".") || context.isEmpty() ? "Dockerfile" : context + "/Dockerfile";
    }

    /**
     * The tag that marks an image as built from this fingerprint ({@code fp-<hex>}); Artifact Registry finds
     * the image by it, so an unchanged service is never rebuilt. Fingerprints that are not short lowercase
     * hex-like words are hashed to fit Docker's tag grammar.
     */
    public String fingerprintTag() {
        String value = TAG_SAFE.matcher(fingerprint).matches() ? fingerprint : Sha256.hex(fingerprint).substring(0, 40);
        return "fp-" + value;
    }

}
