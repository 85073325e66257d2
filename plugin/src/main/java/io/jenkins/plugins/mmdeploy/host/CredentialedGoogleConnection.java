package io.jenkins.plugins.mmdeploy.host;

import com.google.api.client.http.javanet.NetHttpTransport;
import com.google.auth.http.HttpTransportFactory;
import com.google.auth.oauth2.GoogleCredentials;
import hudson.ProxyConfiguration;
import hudson.model.Run;
import io.jenkins.plugins.mmdeploy.credentials.CredentialsPolicy;
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
import jenkins.model.Jenkins;

/**
 * The engine's Google identity in a build: the environment's credential, looked up in the build's context when a
 * stage first needs it and checked to belong to that environment (see {@link GoogleCredentialsBridge}), under the
 * administrator's {@link CredentialsPolicy}; every client and token refresh goes through Jenkins' HTTP proxy
 * (Manage Jenkins › System › HTTP Proxy), read when the clients open.
 */
final class CredentialedGoogleConnection implements GoogleConnection {
    private final Run<?, ?> run;

    CredentialedGoogleConnection(Run<?, ?> run) {
        this.run = run;
    }

    @Override
    public GoogleClients open(EnvironmentSpec environment, Duration longestWait) {
        HttpProxy proxy = jenkinsProxy();
        return new GoogleClients(environment.projectId(), credentials(environment, proxy), ClientSettingsOverrides.through(proxy), longestWait);
    }

    /** Only for a named credential: without one (where allowed), tofu on the agent finds the agent's own credentials. */
    @Override
    public Optional<String> accessToken(EnvironmentSpec environment) {
        CredentialsPolicy.requireCredentialOrAllowed(environment, CredentialsPolicy.get().isAllowControllerCredentials());
        if (environment.credentialsId() == null || environment.credentialsId().isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(credentials(environment, jenkinsProxy()).refreshAccessToken().getTokenValue());
        } catch (IOException e) {
            throw DeployException.of("Cannot get an access token for " + environment.name(),
                    "The credential " + environment.credentialsId() + " did not give one: " + e.getMessage()
                            + ". Check that its service account key is valid and not disabled.");
        }
    }

    private GoogleCredentials credentials(EnvironmentSpec environment, HttpProxy proxy) {
        HttpTransportFactory transport = proxy == null ? NetHttpTransport::new : proxy.httpTransportFactory();
        try {
            return GoogleCredentialsBridge.forEnvironment(environment, run, CredentialsPolicy.get().isAllowControllerCredentials(), transport);
        } catch (IOException e) {
            throw DeployException.of("No Google credentials for " + environment.name(),
                    "The controller's Application Default Credentials gave none: " + e.getMessage());
        }
    }

    /** Jenkins' proxy; null when none is configured. */
    private static HttpProxy jenkinsProxy() {
        ProxyConfiguration proxy = Jenkins.get().getProxy();
        return proxy == null ? null : JenkinsProxy.of(proxy.getName(), proxy.getPort(), proxy.getUserName(),
                proxy.getSecretPassword() == null ? null : proxy.getSecretPassword().getPlainText(), proxy.getNoProxyHost());
    }
}
