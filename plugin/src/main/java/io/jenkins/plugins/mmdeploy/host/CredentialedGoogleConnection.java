package io.jenkins.plugins.mmdeploy.host;

import com.google.api.client.http.javanet.NetHttpTransport;
import com.google.auth.http.HttpTransportFactory;
import com.google.auth.oauth2.GoogleCredentials;
import hudson.model.Run;
import io.jenkins.plugins.mmdeploy.credentials.GoogleCredentialsBridge;
import io.mmdeploy.engine.config.EnvironmentSpec;
import io.mmdeploy.engine.diagnostics.DeployException;
import io.mmdeploy.engine.gcp.ClientSettingsOverrides;
import io.mmdeploy.engine.gcp.GoogleClients;
import io.mmdeploy.engine.gcp.HttpProxy;
import io.mmdeploy.engine.steps.GoogleConnection;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;

/**
 * The engine's Google identity in a build: the environment's credential, looked up in the build's context when a
 * stage first needs it and checked to belong to that environment (see {@link GoogleCredentialsBridge}); every client
 * and token refresh goes through the controller JVM's HTTPS proxy ({@code -Dhttps.proxyHost}, see
 * {@link HttpProxy#fromSystemProperties}), read when the clients open. Jenkins' own proxy page
 * ({@code hudson.ProxyConfiguration}) is not read: that type is outside the API reference this plugin is checked against.
 */
final class CredentialedGoogleConnection implements GoogleConnection {
    private final Run<?, ?> run;

    CredentialedGoogleConnection(Run<?, ?> run) {
        this.run = run;
    }

    @Override
    public GoogleClients open(EnvironmentSpec environment, Duration longestWait) {
        HttpProxy proxy = controllerProxy();
        return new GoogleClients(environment.projectId(), credentials(environment, proxy), ClientSettingsOverrides.through(proxy), longestWait);
    }

    /** The environment credential's token for tofu on the agent (an environment without a credential is refused). */
    @Override
    public Optional<String> accessToken(EnvironmentSpec environment) {
        GoogleCredentialsBridge.requireCredential(environment);
        try {
            return Optional.of(credentials(environment, controllerProxy()).refreshAccessToken().getTokenValue());
        } catch (IOException e) {
            throw DeployException.of("Cannot get an access token for " + environment.name(),
                    "The credential " + environment.credentialsId() + " did not give one: " + e.getMessage()
                            + ". Check that its service account key is valid and not disabled.");
        }
    }

    private GoogleCredentials credentials(EnvironmentSpec environment, HttpProxy proxy) {
        HttpTransportFactory transport = proxy == null ? NetHttpTransport::new : proxy.httpTransportFactory();
        return GoogleCredentialsBridge.forEnvironment(environment, run, transport);
    }

    /** The controller JVM's HTTPS proxy; null when none is set. */
    private static HttpProxy controllerProxy() {
        try {
            return HttpProxy.fromSystemProperties(System.getProperties()).orElse(null);
        } catch (IllegalArgumentException e) {
            throw DeployException.of("The Jenkins controller's HTTPS proxy is not usable", e.getMessage()
                    + ". Fix the -Dhttps.proxyPort option the controller runs with.");
        }
    }
}
