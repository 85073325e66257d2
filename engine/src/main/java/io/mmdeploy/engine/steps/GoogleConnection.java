package io.mmdeploy.engine.steps;

import io.mmdeploy.engine.config.EnvironmentSpec;
import io.mmdeploy.engine.diagnostics.DeployException;
import io.mmdeploy.engine.gcp.CredentialSource;
import io.mmdeploy.engine.gcp.GoogleClients;
import java.io.IOException;
import java.net.URI;
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

    /**
     * A Google access token of the environment's own identity for its Docker registry (promotion reads the source
     * environment's registry with that environment's token and writes the target's with the target's): the host's token
     * for the environment, else Application Default Credentials'.
     */
    default String registryToken(EnvironmentSpec environment) {
        return accessToken(environment).orElseGet(() -> {
            try {
                return new CredentialSource.ApplicationDefault().credentials().refreshAccessToken().getTokenValue();
            } catch (IOException e) {
                throw DeployException.of("No access token for " + environment.name() + "'s registry",
                        "Application Default Credentials gave none: " + e.getMessage() + ". Give the environment a credentialsId or a key.");
            }
        });
    }

    /** Where the environment's Docker registry answers: {@code https://<location>-docker.pkg.dev} (tests: loopback). */
    default URI registryEndpoint(EnvironmentSpec environment) {
        return URI.create("https://" + environment.registry().host());
    }
}
