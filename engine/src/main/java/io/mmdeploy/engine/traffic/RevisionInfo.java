package io.mmdeploy.engine.traffic;

import java.time.Instant;

/**
 * One revision of a Cloud Run service.
 *
 * @param name the revision's short name (e.g. {@code agent-service-00042-xyz})
 * @param image the image of its first container
 * @param ready whether its Ready condition succeeded (it can serve traffic)
 * @param created when it was created
 */
public record RevisionInfo(String name, String image, boolean ready, Instant created) {}
