package io.mmdeploy.engine.plan;

import io.mmdeploy.engine.diagnostics.DeployException;
import java.util.List;
import java.util.UUID;

/**
 * What a deploy would do with one image (a service or the gateway).
 *
 * @param name the service's name
 * @param repository where its image goes ({@code <registry>/<image>})
 * @param cloudRunService its Cloud Run service in this environment
 * @param fingerprint what it is built from now; null when the source is not a git repository
 * @param baseline the fingerprint at {@code --since}; null when there is none
 * @param rebuild whether it would be built (else its image for that fingerprint is reused)
 * @param reason why, in a few words
 * @param tags the tags it would get
 */
public record ServicePlan(String name, String repository, String cloudRunService, String fingerprint, String baseline,
        boolean rebuild, String reason, List<String> tags) {
    public ServicePlan {
        tags = List.copyOf(tags);
    }

    /** What a build is keyed by; outside git there is no fingerprint, and a one-off value builds the image. */
    public String buildFingerprint() {
        return fingerprint != null ? fingerprint : "unversioned-" + UUID.randomUUID();
    }

    /** The tags a build gives the image; refused outside git, where there is no revision to tag with. */
    public List<String> buildTags() {
        if (tags.isEmpty()) {
            throw DeployException.of("No image tag for " + name,
                    "Tags come from the git revision (the config's tag scheme); deploy from inside the app's git work tree.");
        }
        return tags;
    }
}
