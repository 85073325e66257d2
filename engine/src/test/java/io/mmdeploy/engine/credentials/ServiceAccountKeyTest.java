package io.mmdeploy.engine.credentials;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.auth.oauth2.ServiceAccountCredentials;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class ServiceAccountKeyTest {

    @Test
    void becomesScopedServiceAccountCredentialsWithoutLeakingTheKey() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        PrivateKey key = generator.generateKeyPair().getPrivate();
        ServiceAccountKey account = new ServiceAccountKey("gcp-prod", "deployer@mindmirror-prod.iam.gserviceaccount.com", key, "mindmirror-prod");

        ServiceAccountCredentials credentials = (ServiceAccountCredentials) account.toGoogleCredentials();

        assertThat(credentials.getClientEmail()).isEqualTo("deployer@mindmirror-prod.iam.gserviceaccount.com");
        assertThat(credentials.getPrivateKey()).isSameAs(key);
        assertThat(credentials.getProjectId()).isEqualTo("mindmirror-prod");
        assertThat(credentials.getScopes()).containsExactly("https://www.googleapis.com/auth/cloud-platform");
        String encoded = Base64.getEncoder().encodeToString(key.getEncoded());
        assertThat(account.toString()).contains("gcp-prod").doesNotContain(encoded.substring(0, 40));
    }
}
