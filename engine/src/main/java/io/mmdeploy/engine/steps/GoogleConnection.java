package io.mmdeploy.engine.steps;

import io.mmdeploy.engine.config.EnvironmentSpec;
import io.mmdeploy.engine.gcp.GoogleClients;
import java.time.Duration;
import java.util.Optional;

/**
 * Opens the Google clients of an environment with the identity the host checked for it (Jenkins: the
 * environment's credential; tests: clients of the in-process fakes). The caller closes them.
 */
@FunctionalInterface
public interface GoogleConnection {
    /** @param longestWait the longest operation the step may wait for */
    GoogleClients open(EnvironmentSpec environment, Duration longestWait);

    /**
     * A short-lived access token of the same identity, for the programs the steps run (OpenTofu's Google provider
     * and backend read {@code GOOGLE_OAUTH_ACCESS_TOKEN}); empty when they should find their own credentials on the
     * machine (Application Default Credentials).
     */
    default Optional<String> accessToken(EnvironmentSpec environment) {
        return Optional.empty();
    }
}
