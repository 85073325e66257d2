package io.mmdeploy.engine.gcp;

import com.google.auth.oauth2.AccessToken;
import com.google.auth.oauth2.GoogleCredentials;
import io.mmdeploy.engine.credentials.ServiceAccountKey;
import io.mmdeploy.engine.diagnostics.DeployException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Where the deployer's Google identity comes from. Each form yields a {@link GoogleCredentials} scoped for
 * the Cloud Platform APIs. The records never show their secret in {@code toString}.
 */
public sealed interface CredentialSource {

    GoogleCredentials credentials();

    /** A service-account JSON key file's content (given to the CLI). */
    record JsonKey(String json) implements CredentialSource {
        public JsonKey {
            Objects.requireNonNull(json, "json");
        }

        @Override
        public GoogleCredentials credentials() {
            try {
                return GoogleCredentials.fromStream(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)))
                        .createScoped(ServiceAccountKey.SCOPES);
            } catch (IOException | RuntimeException e) {
                // The parser's message may quote the key; name the problem without it.
                throw DeployException.of(
                        "The service-account key cannot be read",
                        "Expected a Google service-account JSON key (type \"service_account\"). Download a new key for the"
                                + " deployer service account, or use Application Default Credentials.");
            }
        }

        @Override
        public String toString() {
            return "JsonKey[****]";
        }
    }

    /** A service account's key as the host hands it over (the Jenkins plugin, from google-oauth-plugin's credentials). */
    record HostKey(ServiceAccountKey key) implements CredentialSource {
        @Override
        public GoogleCredentials credentials() {
            return key.toGoogleCredentials();
        }
    }

    /**
     * OAuth access tokens from the host (the Jenkins plugin brings one from its credentials). Asked again
     * whenever the token it gave has expired.
     */
    record AccessTokens(Supplier<AccessToken> supplier) implements CredentialSource {
        @Override
        public GoogleCredentials credentials() {
            return new SuppliedTokenCredentials(supplier);
        }

        @Override
        public String toString() {
            return "AccessTokens[****]";
        }
    }

    /** Application Default Credentials: GOOGLE_APPLICATION_CREDENTIALS, gcloud's ADC, or the metadata server. */
    record ApplicationDefault() implements CredentialSource {
        @Override
        public GoogleCredentials credentials() {
            try {
                return GoogleCredentials.getApplicationDefault().createScoped(ServiceAccountKey.SCOPES);
            } catch (IOException e) {
                throw DeployException.of(
                        "No Application Default Credentials",
                        e.getMessage() + "\nRun `gcloud auth application-default login`, set GOOGLE_APPLICATION_CREDENTIALS,"
                                + " or give the environment a credentialsId.");
            }
        }
    }

    /** GoogleCredentials whose refresh asks the host's supplier. */
    final class SuppliedTokenCredentials extends GoogleCredentials {
        private static final long serialVersionUID = 1L;
        private final transient Supplier<AccessToken> supplier;

        SuppliedTokenCredentials(Supplier<AccessToken> supplier) {
            this.supplier = Objects.requireNonNull(supplier, "supplier");
        }

        @Override
        public AccessToken refreshAccessToken() throws IOException {
            AccessToken token = supplier.get();
            if (token == null) {
                throw new IOException("the host gave no access token");
            }
            return token;
        }
    }
}
