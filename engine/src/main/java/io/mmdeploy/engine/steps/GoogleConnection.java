package io.mmdeploy.engine.steps;

import io.mmdeploy.engine.config.EnvironmentSpec;
import io.mmdeploy.engine.gcp.GoogleClients;
import java.time.Duration;

/**
 * Opens the Google clients of an environment with the identity the host checked for it (Jenkins: the
 * environment's credential; tests: clients of the in-process fakes). The caller closes them.
 */
@FunctionalInterface
public interface GoogleConnection {
    /** @param longestWait the longest operation the step may wait for */
    GoogleClients open(EnvironmentSpec environment, Duration longestWait);
}
