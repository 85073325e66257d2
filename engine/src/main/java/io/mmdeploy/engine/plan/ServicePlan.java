package io.mmdeploy.engine.plan;

import java.util.List;

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
}
