package io.mmdeploy.engine.credentials;

import com.google.auth.http.HttpTransportFactory;
import com.google.auth.oauth2.GoogleCredentials;
import com.google.auth.oauth2.ServiceAccountCredentials;
import java.security.PrivateKey;
import java.util.List;
import java.util.Objects;

/**
 * A service account's key as a host hands it over (Jenkins: from google-oauth-plugin's credentials). Only these plain
 * types cross from the host, so the host's own Google libraries never meet the engine's.
 *
 * @param credentialsId the host's id for it, for messages
 * @param clientEmail the service account's e-mail
 * @param privateKey its private key
 * @param projectId the project the host's credential names; null when it names none
 */
public record ServiceAccountKey(String credentialsId, String clientEmail, PrivateKey privateKey, String projectId) {
    /** Cloud Run, Cloud Build, Artifact Registry, Secret Manager and Storage all accept this scope. */
    public static final List<String> SCOPES = List.of("https://www.googleapis.com/auth/cloud-platform");

    public ServiceAccountKey {
        Objects.requireNonNull(credentialsId, "credentialsId");
        Objects.requireNonNull(clientEmail, "clientEmail");
        Objects.requireNonNull(privateKey, "privateKey");
    }

    /** Credentials that fetch and refresh their own tokens. */
    public GoogleCredentials toGoogleCredentials() {
        return builder().build();
    }

    /** The same, refreshing their tokens over {@code transport} (the host's HTTP proxy). */
    public GoogleCredentials toGoogleCredentials(HttpTransportFactory transport) {
        return builder().setHttpTransportFactory(transport).build();
    }

    private ServiceAccountCredentials.Builder builder() {
        return ServiceAccountCredentials.newBuilder()
                .setClientEmail(clientEmail)
                .setPrivateKey(privateKey)
                .setProjectId(projectId)
                .setScopes(SCOPES);
    }

    /** Never the key. */
    @Override
    public String toString() {
        return "ServiceAccountKey[" + credentialsId + ", " + clientEmail + "]";
    }
}
