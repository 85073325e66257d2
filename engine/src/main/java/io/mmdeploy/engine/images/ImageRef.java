package io.mmdeploy.engine.images;

import java.util.List;
import java.util.Objects;

/**
 * One service's image as pushed to Artifact Registry.
 *
 * @param service the service (or gateway) name from the config
 * @param repository {@code <location>-docker.pkg.dev/<project>/<repo>/<image>}
 * @param tags the tags it carries for this deploy, the scheme's tag first (the fingerprint tag is not listed)
 * @param digest {@code sha256:…}
 * @param built true when this run built it, false when an image of the same fingerprint was reused
 * @param promotedFrom where it was copied from by digest; null when it was built (or reused) in this environment
 */
public record ImageRef(String service, String repository, List<String> tags, String digest, boolean built, PromotedFrom promotedFrom) {

    /**
     * The environment and release an image was promoted from.
     *
     * @param repository the image's repository there
     */
    public record PromotedFrom(String environment, String release, String repository) {
        public String describe() {
            return "promoted from " + environment + " release " + release;
        }
    }

    public ImageRef(String service, String repository, List<String> tags, String digest, boolean built) {
        this(service, repository, tags, digest, built, null);
    }

    public ImageRef {
        Objects.requireNonNull(repository, "repository");
        tags = List.copyOf(tags);
        if (!digest.startsWith("sha256:")) {
            throw new IllegalArgumentException("digest must be sha256:…, was " + digest);
        }
    }

    /** {@code repository@sha256:…}: what deploys use, so that a moved tag cannot change what runs. */
    public String ref() {
        return repository + "@" + digest;
    }

    /** The scheme's tag of this deploy. */
    public String tag() {
        return tags.get(0);
    }
}
