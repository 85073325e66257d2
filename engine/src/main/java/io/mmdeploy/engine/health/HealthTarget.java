package io.mmdeploy.engine.health;

import io.mmdeploy.engine.config.HealthSpec;

/**
 * One thing to health-check.
 *
 * @param name the service (or gateway) name
 * @param url its base URL (Cloud Run uri)
 * @param spec path, attempts and delay
 * @param expectedVersion when set, the {@code version} the body must report (the deployed tag); null to skip
 */
public record HealthTarget(String name, String url, HealthSpec spec, String expectedVersion) {
    public String endpoint() {
        String base = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        String path = spec.path().startsWith("/") ? spec.path() : "/" + spec.path();
        return base + path;
    }
}
