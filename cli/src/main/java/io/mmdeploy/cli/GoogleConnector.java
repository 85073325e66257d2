package io.mmdeploy.cli;

import io.mmdeploy.engine.config.EnvironmentSpec;
import io.mmdeploy.engine.gcp.GoogleClients;
import java.time.Duration;

/** Opens the Google clients of an environment. The CLI's comes from {@link GoogleOptions}; tests give fakes. */
@FunctionalInterface
interface GoogleConnector {
    GoogleClients connect(EnvironmentSpec environment, Duration longestWait);
}
