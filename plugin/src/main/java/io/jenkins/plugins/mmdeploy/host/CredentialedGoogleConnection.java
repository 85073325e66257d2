package io.jenkins.plugins.mmdeploy.host;

import com.google.auth.oauth2.GoogleCredentials;
import hudson.model.Run;
import io.jenkins.plugins.mmdeploy.credentials.GoogleCredentialsBridge;
import io.mmdeploy.engine.config.EnvironmentSpec;
import io.mmdeploy.engine.diagnostics.DeployException;
import io.mmdeploy.engine.gcp.ClientSettingsOverrides;
import io.mmdeploy.engine.gcp.GoogleClients;
import io.mmdeploy.engine.steps.GoogleConnection;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;

/**
 * The engine's Google identity in a build: the environment's credential, looked up in the build's context when a
 * stage first needs it and checked to belong to that environment (see {@link GoogleCredentialsBridge}).
 */
final class CredentialedGoogleConnection implements GoogleConnection {
    private final Run<?, ?> run;

    CredentialedGoogleConnection(Run<?, ?> run) {
        this.run = run;
    }

    @Override
    public GoogleClients open(EnvironmentSpec environment, Duration longestWait) {
        return new GoogleClients(environment.projectId(), credentials(environment), ClientSettingsOverrides.none(), longestWait);
    }

    /** Only for a named credential: without one, tofu on the agent finds the agent's own credentials, as the clients do. */
    @Override
    public Optional<String> accessToken(EnvironmentSpec environment) {
        if (environment.credentialsId() == null || environment.credentialsId().isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(credentials(environment).refreshAccessToken().getTokenValue());
        } catch (IOException e) {
            throw DeployException.of("Cannot get an access token for " + environment.name(),
                    "The credential " + environment.credentialsId() + " did not give one: " + e.getMessage()
                            + ". Check that its service account key is valid and not disabled.");
        }
    }

    private GoogleCredentials credentials(EnvironmentSpec environment) {
        try {
            return GoogleCredentialsBridge.forEnvironment(environment, run);
        } catch (IOException e) {
            throw DeployException.of("No Google credentials for " + environment.name(),
                    "Neither environments." + environment.name() + ".credentialsId nor Application Default Credentials gave any: "
                            + e.getMessage());
        }
    }
}
