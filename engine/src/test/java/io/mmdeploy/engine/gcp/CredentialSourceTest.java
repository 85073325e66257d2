package io.mmdeploy.engine.gcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.auth.oauth2.AccessToken;
import com.google.auth.oauth2.GoogleCredentials;
import io.mmdeploy.engine.diagnostics.DeployException;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class CredentialSourceTest {

    @Test
    void accessTokensComeFromTheHostsSupplierAndAreAskedAgainWhenExpired() throws Exception {
        AtomicInteger asked = new AtomicInteger();
        CredentialSource source = new CredentialSource.AccessTokens(() -> new AccessToken(
                "ya29.token-" + asked.incrementAndGet(), Date.from(Instant.now().plusSeconds(3600))));

        GoogleCredentials credentials = source.credentials();
        credentials.refresh();
        assertThat(credentials.getAccessToken().getTokenValue()).isEqualTo("ya29.token-1");
        credentials.refresh();
        assertThat(credentials.getAccessToken().getTokenValue()).isEqualTo("ya29.token-2");
        assertThat(source.toString()).doesNotContain("ya29");
    }

    @Test
    void aBrokenKeyIsRefusedWithoutQuotingIt() {
        String key = "{\"type\": \"service_account\", \"private_key\": \"-----BEGIN PRIVATE KEY-----\\nMIIEsecretsecret\\n\"}";
        CredentialSource source = new CredentialSource.JsonKey(key);

        assertThatThrownBy(source::credentials).isInstanceOfSatisfying(DeployException.class, e -> {
            assertThat(e.getMessage()).contains("service-account key cannot be read").doesNotContain("MIIEsecretsecret");
        });
        assertThat(source.toString()).doesNotContain("MIIE");
    }
}
