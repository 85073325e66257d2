package io.jenkins.plugins.mmdeploy.credentials;

import com.cloudbees.plugins.credentials.CredentialsProvider;
import hudson.model.Run;
import io.mmdeploy.engine.port.HostSecrets;
import java.util.Optional;
import org.jenkinsci.plugins.plaincredentials.StringCredentials;

/**
 * The build's Secret text credentials as the engine's {@link HostSecrets} (a webhook's URL: {@code notify: credentialsId}),
 * looked up as the build may see them and tracked on it, as the Google credentials are. The engine masks what it reads.
 */
public final class SecretTextCredentials implements HostSecrets {
    private final Run<?, ?> run;

    public SecretTextCredentials(Run<?, ?> run) {
        this.run = run;
    }

    @Override
    public Optional<String> secretText(String id) {
        StringCredentials credential = CredentialsProvider.findCredentialById(id, StringCredentials.class, run);
        if (credential == null) {
            return Optional.empty();
        }
        CredentialsProvider.track(run, credential);
        return Optional.of(credential.getSecret().getPlainText());
    }
}
