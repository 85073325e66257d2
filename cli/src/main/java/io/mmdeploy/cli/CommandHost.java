package io.mmdeploy.cli;

import com.google.auth.oauth2.GoogleCredentials;
import io.mmdeploy.engine.config.EnvironmentSpec;
import io.mmdeploy.engine.gcp.ClientSettingsOverrides;
import io.mmdeploy.engine.gcp.CredentialSource;
import io.mmdeploy.engine.gcp.GoogleClients;
import io.mmdeploy.engine.port.Sleeper;
import java.time.Clock;
import java.time.Duration;

/**
 * What the commands that reach Google take from the machine they run on: Application Default Credentials and
 * Google's endpoints, the system clock, real sleeps. Tests give one whose overrides point at the in-process fakes.
 */
public record CommandHost(ClientSettingsOverrides overrides, Clock clock, Sleeper sleeper) {
    /** The longest any Google operation of a CLI command is waited for. */
    static final Duration LONGEST_WAIT = Duration.ofMinutes(10);

    public static CommandHost local() {
        return new CommandHost(ClientSettingsOverrides.none(), Clock.systemUTC(), Sleeper.real());
    }

    /** The environment's clients; the caller closes them. */
    GoogleClients open(EnvironmentSpec env) {
        // Overrides that bring their own credentials (the fakes) need none from the machine.
        GoogleCredentials credentials = overrides.credentials() != null ? null : new CredentialSource.ApplicationDefault().credentials();
        return new GoogleClients(env.projectId(), credentials, overrides, LONGEST_WAIT);
    }
}
