package io.mmdeploy.engine.health;

import io.mmdeploy.engine.config.HealthSpec;

/**
 * One thing to health-check.
 *
 * @param name the service (or gateway) name
 * @param url its base URL (Cloud Run uri); null for a worker, which is asked of Cloud Run ({@link Readiness})
 * @param spec path, attempts and delay
 * @param expectedVersion when set, the {@code version} the body must report (the deployed tag); null to skip
 * @param service the Cloud Run service's resource name ({@code projects/…/services/…})
 */
public record HealthTarget(String name, String url, HealthSpec spec, String expectedVersion, String service) {
    /** A target that answers HTTP. */
    public HealthTarget(String name, String url, HealthSpec spec, String expectedVersion) {
        this(name, url, spec, expectedVersion, null);
    }

    /** Where it is asked: its URL, or for a worker its Cloud Run service. */
    public String where() {
        return url != null ? url : service;
    }

    public String endpoint() {
        String base = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        String path = spec.path().startsWith("/") ? spec.path() : "/" + spec.path();
        return base + path;
    }
}
