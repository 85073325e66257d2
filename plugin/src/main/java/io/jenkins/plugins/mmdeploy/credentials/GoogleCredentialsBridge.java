package io.jenkins.plugins.mmdeploy.credentials;

import com.cloudbees.plugins.credentials.Credentials;
import com.cloudbees.plugins.credentials.CredentialsProvider;
import com.cloudbees.plugins.credentials.SystemCredentialsProvider;
import com.google.auth.http.HttpTransportFactory;
import com.google.auth.oauth2.ComputeEngineCredentials;
import com.google.auth.oauth2.GoogleCredentials;
import com.google.jenkins.plugins.credentials.oauth.GoogleOAuth2ScopeRequirement;
import com.google.jenkins.plugins.credentials.oauth.GoogleRobotCredentials;
import com.google.jenkins.plugins.credentials.oauth.GoogleRobotMetadataCredentials;
import com.google.jenkins.plugins.credentials.oauth.GoogleRobotPrivateKeyCredentials;
import com.google.jenkins.plugins.credentials.oauth.ServiceAccountConfig;
import hudson.model.Run;
import io.mmdeploy.engine.config.EnvironmentSpec;
import io.mmdeploy.engine.credentials.CredentialScope;
import io.mmdeploy.engine.credentials.ServiceAccountKey;
import io.mmdeploy.engine.diagnostics.DeployException;
import java.security.PrivateKey;
import java.util.Collection;
import java.util.List;

/**
 * An environment's Google credentials for the engine's clients: its {@code credentialsId} resolved in the build's
 * context to a google-oauth-plugin credential whose domain admits the {@code cloud-platform} scope. An environment that
 * names none is refused. The controller's own identity (its GCE service account) is used only through a "Google Service
 * Account from metadata" credential kept in the Jenkins-wide store, which only who may manage Jenkins' own credentials
 * can add: a folder's or a job's metadata credential would let any repository act as the controller.
 *
 * <p>Only {@code String} and {@code PrivateKey} leave google-oauth-plugin's objects: its bundled google-api-client 1.x
 * classes never meet the engine's google-auth (the hpi masks them, see pom.xml). Every credential passes
 * {@link CredentialScope} before it is returned, so no Google call can run with another environment's identity.
 */
public final class GoogleCredentialsBridge {
    private GoogleCredentialsBridge() {}

    /**
     * The scope the engine's clients ask for. A credentials domain restricted to other scopes (google-oauth-plugin's
     * "Google OAuth 2.0 Scope" specification) hides its credentials from this lookup.
     */
    static final class CloudPlatformScope extends GoogleOAuth2ScopeRequirement {
        private static final long serialVersionUID = 1L;

        @Override
        public Collection<String> getScopes() {
            return ServiceAccountKey.SCOPES;
        }
    }

    /** Refuses an environment that names no credential, before any lookup or Google call. */
    public static void requireCredential(EnvironmentSpec environment) {
        String id = environment.credentialsId();
        if (id == null || id.isBlank()) {
            throw DeployException.of("No credentialsId for " + environment.name(),
                    "environments." + environment.name() + ".credentialsId names no Jenkins credential, and a build never acts as"
                            + " the controller's own Google identity unasked. Add a \"Google Service Account from private key\""
                            + " credential and name it in credentialsId; to deploy as the controller's own service account, a Jenkins"
                            + " administrator adds a \"Google Service Account from metadata\" credential under Manage Jenkins ›"
                            + " Credentials › System and names that.");
        }
    }

    /**
     * @param transport how token refreshes reach Google (the host's proxy)
     */
    public static GoogleCredentials forEnvironment(EnvironmentSpec environment, Run<?, ?> run, HttpTransportFactory transport) {
        requireCredential(environment);
        String id = environment.credentialsId();
        GoogleRobotCredentials credential = CredentialsProvider.findCredentialById(id, GoogleRobotCredentials.class, run, new CloudPlatformScope());
        if (credential == null) {
            throw DeployException.of(
                    "No Google service account credential \"" + id + "\" is available to this build",
                    "environments." + environment.name() + ".credentialsId names it. Add a \"Google Service Account from private key\""
                            + " credential with that id in Jenkins (in this job's folder or globally, in a domain that admits the"
                            + " cloud-platform scope).");
        }
        CredentialsProvider.track(run, credential);
        if (credential instanceof GoogleRobotPrivateKeyCredentials key) {
            return fromServiceAccount(environment, id, key.getProjectId(), key.getServiceAccountConfig()).toGoogleCredentials(transport);
        }
        if (credential instanceof GoogleRobotMetadataCredentials metadata) {
            if (!inJenkinsWideStore(metadata)) {
                throw DeployException.of("Credential \"" + id + "\" would act as the Jenkins controller",
                        "It is a \"Google Service Account from metadata\" credential outside the Jenkins-wide store (in a folder or"
                                + " a job): the controller's identity is every job's, so only a credential a Jenkins administrator"
                                + " added under Manage Jenkins › Credentials › System may use it.");
            }
            // The controller's own GCE service account, from the metadata server (link-local: never through a proxy).
            CredentialScope.check(environment, id, metadata.getUsername(), metadata.getProjectId());
            return ComputeEngineCredentials.create();
        }
        throw DeployException.of(
                "Credential \"" + id + "\" is of a kind mm-deploy cannot use",
                "Use a \"Google Service Account from private key\" (JSON key) credential, or Google metadata credentials.");
    }

    /** The key of a private-key credential, checked against the environment's project. */
    static ServiceAccountKey fromServiceAccount(EnvironmentSpec environment, String id, String credentialProject, ServiceAccountConfig account) {
        String email = account == null ? null : account.getAccountId();
        PrivateKey key = account == null ? null : account.getPrivateKey();
        if (email == null || email.isBlank() || key == null) {
            throw DeployException.of(
                    "Credential \"" + id + "\" holds no usable service account key",
                    "Its JSON key has no client_email or no readable private_key. Upload the service account's JSON key again.");
        }
        CredentialScope.check(environment, id, email, credentialProject);
        return new ServiceAccountKey(id, email, key, credentialProject);
    }

    /** Whether this very credential is one of the Jenkins-wide store's (any domain); a copy in a folder is not. */
    private static boolean inJenkinsWideStore(GoogleRobotMetadataCredentials credential) {
        for (List<Credentials> inDomain : SystemCredentialsProvider.getInstance().getDomainCredentialsMap().values()) {
            for (Credentials stored : inDomain) {
                if (stored == credential) {
                    return true;
                }
            }
        }
        return false;
    }
}
