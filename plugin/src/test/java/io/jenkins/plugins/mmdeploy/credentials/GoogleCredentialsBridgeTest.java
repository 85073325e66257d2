package io.jenkins.plugins.mmdeploy.credentials;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.api.client.http.javanet.NetHttpTransport;
import com.google.auth.oauth2.ServiceAccountCredentials;
import com.google.jenkins.plugins.credentials.oauth.ServiceAccountConfig;
import io.mmdeploy.engine.config.ApprovalPolicy;
import io.mmdeploy.engine.config.EnvironmentSpec;
import io.mmdeploy.engine.config.RegistryPath;
import io.mmdeploy.engine.config.TagScheme;
import io.mmdeploy.engine.config.TofuSpec;
import io.mmdeploy.engine.credentials.ServiceAccountKey;
import io.mmdeploy.engine.diagnostics.DeployException;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class GoogleCredentialsBridgeTest {
    private static final EnvironmentSpec PRODUCTION = new EnvironmentSpec("production", "main", "mindmirror-prod", "555000111222",
            "europe-west1", RegistryPath.parse("europe-west1-docker.pkg.dev/mindmirror-prod/mm").orElseThrow(), "gcp-prod",
            new TofuSpec("infra", List.of("infra/production.tfvars"), null), "service-urls-production", "",
            TagScheme.defaults(), ApprovalPolicy.none());
    private static PrivateKey key;

    /** What google-oauth-plugin's JSON key config hands over: an e-mail and a key, nothing of its Google libraries. */
    private static final class KeyConfig extends ServiceAccountConfig {
        private static final long serialVersionUID = 1L;
        private final String email;
        private final transient PrivateKey privateKey;

        KeyConfig(String email, PrivateKey privateKey) {
            this.email = email;
            this.privateKey = privateKey;
        }

        @Override
        public String getAccountId() {
            return email;
        }

        @Override
        public PrivateKey getPrivateKey() {
            return privateKey;
        }
    }

    @BeforeAll
    static void generateKey() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        key = generator.generateKeyPair().getPrivate();
    }

    @Test
    void productionKeyBecomesGoogleCredentialsOfThatServiceAccount() {
        ServiceAccountKey account = GoogleCredentialsBridge.fromServiceAccount(
                PRODUCTION, "gcp-prod", "mindmirror-prod", new KeyConfig("deployer@mindmirror-prod.iam.gserviceaccount.com", key));

        ServiceAccountCredentials credentials = (ServiceAccountCredentials) account.toGoogleCredentials();
        assertThat(credentials.getClientEmail()).isEqualTo("deployer@mindmirror-prod.iam.gserviceaccount.com");
        assertThat(credentials.getPrivateKey()).isSameAs(key);
        assertThat(credentials.getProjectId()).isEqualTo("mindmirror-prod");
    }

    @Test
    void stagingKeyIsNeverUsableForProduction() {
        assertThatThrownBy(() -> GoogleCredentialsBridge.fromServiceAccount(
                        PRODUCTION, "gcp-staging", "mindmirror-staging", new KeyConfig("deployer@mindmirror-staging.iam.gserviceaccount.com", key)))
                .isInstanceOf(DeployException.class)
                .hasMessageContaining("does not belong to environment production");
        assertThatThrownBy(() -> GoogleCredentialsBridge.fromServiceAccount(
                        PRODUCTION, "gcp-staging", null, new KeyConfig("deployer@mindmirror-staging.iam.gserviceaccount.com", key)))
                .isInstanceOf(DeployException.class)
                .hasMessageContaining("mindmirror-staging");
    }

    @Test
    void credentialWithoutAReadableKeyIsADiagnosticNotANullPointer() {
        assertThatThrownBy(() -> GoogleCredentialsBridge.fromServiceAccount(
                        PRODUCTION, "broken", "mindmirror-prod", new KeyConfig("deployer@mindmirror-prod.iam.gserviceaccount.com", null)))
                .isInstanceOf(DeployException.class)
                .hasMessageContaining("Credential \"broken\" holds no usable service account key");
        assertThatThrownBy(() -> GoogleCredentialsBridge.fromServiceAccount(PRODUCTION, "empty", "mindmirror-prod", null))
                .isInstanceOf(DeployException.class);
    }

    private static EnvironmentSpec withCredential(String credentialsId) {
        return new EnvironmentSpec("staging", "main", "mindmirror-69", "3858903851", "us-east4",
                RegistryPath.parse("us-east4-docker.pkg.dev/mindmirror-69/mindmirror").orElseThrow(), credentialsId,
                new TofuSpec("infra", List.of("infra/staging.tfvars"), null), "service-urls-staging", "", TagScheme.defaults(), ApprovalPolicy.none());
    }

    @Test
    void anEnvironmentWithoutACredentialIsRefusedBeforeAnyLookupNamingTheWayToTheControllersIdentity() {
        for (String none : new String[] {null, "", "  "}) {
            // No Jenkins, no run needed: the refusal comes first.
            assertThatThrownBy(() -> GoogleCredentialsBridge.forEnvironment(withCredential(none), null, NetHttpTransport::new))
                    .isInstanceOf(DeployException.class)
                    .hasMessageContaining("No credentialsId for staging")
                    .hasMessageContaining("environments.staging.credentialsId")
                    .hasMessageContaining("\"Google Service Account from metadata\" credential under Manage Jenkins › Credentials › System");
        }
        assertThatCode(() -> GoogleCredentialsBridge.requireCredential(withCredential("gcp-staging"))).doesNotThrowAnyException();
    }

    @Test
    void theLookupRequiresTheCloudPlatformScope() {
        assertThat(new GoogleCredentialsBridge.CloudPlatformScope().getScopes())
                .containsExactly("https://www.googleapis.com/auth/cloud-platform");
    }
}
