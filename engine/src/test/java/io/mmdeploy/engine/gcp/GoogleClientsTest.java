package io.mmdeploy.engine.gcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.api.gax.retrying.TimedRetryAlgorithm;
import com.google.auth.oauth2.AccessToken;
import com.google.auth.oauth2.GoogleCredentials;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class GoogleClientsTest {
    final GoogleCredentials credentials = new CredentialSource.AccessTokens(() -> new AccessToken("t", null)).credentials();

    static Duration total(TimedRetryAlgorithm polling) {
        return polling.createFirstAttempt().getGlobalSettings().getTotalTimeoutDuration();
    }

    @Test
    void longOperationsPollUntilTheEnginesLongestWaitNotTheClientDefault() {
        try (GoogleClients clients = new GoogleClients("p", credentials, ClientSettingsOverrides.none(), Duration.ofHours(2))) {
            assertThat(total(clients.jobs().getSettings().runJobOperationSettings().getPollingAlgorithm()))
                    .isGreaterThanOrEqualTo(Duration.ofHours(2));
            assertThat(total(clients.cloudBuild().getSettings().createBuildOperationSettings().getPollingAlgorithm()))
                    .isGreaterThanOrEqualTo(Duration.ofHours(2));
            assertThat(total(clients.services().getSettings().updateServiceOperationSettings().getPollingAlgorithm()))
                    .isGreaterThanOrEqualTo(Duration.ofHours(2));
            assertThat(clients.jobs().getSettings().runJobOperationSettings().getPollingAlgorithm().createFirstAttempt()
                    .getGlobalSettings().getInitialRetryDelayDuration()).isEqualTo(ClientSettingsOverrides.DEFAULT_FIRST_POLL);
        }
    }

    @Test
    void clientsAreCreatedOnFirstUseOnceAndClosedTogether() {
        GoogleClients clients = new GoogleClients("p", credentials, ClientSettingsOverrides.none(), Duration.ofMinutes(30));
        var secrets = clients.secretManager();
        assertThat(clients.secretManager()).isSameAs(secrets);
        var monitoring = clients.monitoring();
        assertThat(clients.monitoring()).isSameAs(monitoring);
        assertThat(clients.storage().getOptions().getProjectId()).isEqualTo("p");

        clients.close();

        assertThat(secrets.isShutdown()).isTrue();
        assertThat(monitoring.isShutdown()).isTrue();
    }
}
