package io.mmdeploy.engine.smoke;

import io.mmdeploy.engine.config.SmokeTestSpec;

/**
 * One smoke test against one deployed service or gateway.
 *
 * @param name the service's or gateway's name
 * @param url the base URL it is sent to (the service's, or during a canary the new revision's tagged URL)
 * @param field where the config defines it, for messages ({@code gateway.smokeTests[0]})
 */
public record SmokeTarget(String name, String url, SmokeTestSpec test, String field) {
    public String endpoint() {
        String base = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        return base + test.path();
    }
}
