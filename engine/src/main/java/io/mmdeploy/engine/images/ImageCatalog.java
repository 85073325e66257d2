package io.mmdeploy.engine.images;

import com.google.api.gax.rpc.ApiException;
import com.google.api.gax.rpc.StatusCode;
import com.google.devtools.artifactregistry.v1.ArtifactRegistryClient;
import com.google.devtools.artifactregistry.v1.Tag;
import com.google.protobuf.FieldMask;
import io.mmdeploy.engine.config.RegistryPath;
import io.mmdeploy.engine.diagnostics.DeployException;
import io.mmdeploy.engine.gcp.ApiFailure;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/** The images already in Artifact Registry: find a digest by tag, point a tag at a digest. */
public final class ImageCatalog {
    private static final String WRITER_ROLE = "roles/artifactregistry.writer";
    private final ArtifactRegistryClient registry;

    public ImageCatalog(ArtifactRegistryClient registry) {
        this.registry = registry;
    }

    /** The digest the tag points at, or empty when the image has no such tag. */
    public Optional<String> digestOf(RegistryPath repo, String image, String tag) {
        String name = tagName(repo, image, tag);
        try {
            Tag found = registry.getTag(name);
            String version = found.getVersion();
            return Optional.of(version.substring(version.lastIndexOf('/') + 1));
        } catch (ApiException e) {
            if (ApiFailure.is(e, StatusCode.Code.NOT_FOUND)) {
                return Optional.empty();
            }
            throw ApiFailure.of("look up the image tag " + tag, name, "roles/artifactregistry.reader", e);
        }
    }

    /** Points the tag at the digest: creates it, or moves it when it exists (aliases such as {@code staging-latest}). */
    public void pointTag(RegistryPath repo, String image, String tag, String digest) {
        String pkg = packageName(repo, image);
        Tag wanted = Tag.newBuilder().setName(pkg + "/tags/" + tag).setVersion(pkg + "/versions/" + digest).build();
        try {
            registry.createTag(pkg, wanted, tag);
        } catch (ApiException e) {
            if (!ApiFailure.is(e, StatusCode.Code.ALREADY_EXISTS)) {
                throw ApiFailure.of("tag the image " + image + " as " + tag, pkg, WRITER_ROLE, e);
            }
            try {
                registry.updateTag(wanted, FieldMask.newBuilder().addPaths("version").build());
            } catch (ApiException update) {
                throw ApiFailure.of("move the tag " + tag + " of " + image, wanted.getName(), WRITER_ROLE, update);
            }
        }
    }

    public static String packageName(RegistryPath repo, String image) {
        // Docker image names may hold '/', which Artifact Registry's package ids carry URL-encoded.
        return "projects/" + repo.project() + "/locations/" + repo.location() + "/repositories/" + repo.repository()
                + "/packages/" + URLEncoder.encode(image, StandardCharsets.UTF_8);
    }

    static String tagName(RegistryPath repo, String image, String tag) {
        return packageName(repo, image) + "/tags/" + tag;
    }

    static DeployException missingDigest(String service, String where) {
        return DeployException.of("No pushed digest for " + service, where
                + " reported no digest for the pushed image. The push probably failed; see the build log.");
    }
}
