package io.mmdeploy.engine.gcp;

import com.google.cloud.secretmanager.v1.SecretManagerServiceClient;
import com.google.cloud.secretmanager.v1.SecretName;
import io.mmdeploy.engine.config.EnvironmentSpec;
import io.mmdeploy.engine.diagnostics.DeployException;
import io.mmdeploy.engine.port.SecretMask;
import java.nio.charset.StandardCharsets;

/**
 * Values the config names by secret (a smoke test's auth header, a webhook's URL): the latest version of a Secret
 * Manager secret of the environment's own project. Each value joins the run's mask before it is handed out, so it
 * never reaches a log, an error or a record.
 */
public final class EnvironmentSecrets {
    private final SecretManagerServiceClient secrets;
    private final EnvironmentSpec env;
    private final SecretMask mask;

    public EnvironmentSecrets(SecretManagerServiceClient secrets, EnvironmentSpec env, SecretMask mask) {
        this.secrets = secrets;
        this.env = env;
        this.mask = mask;
    }

    /**
     * @param usedBy who needs it, for the error (e.g. {@code gateway.smokeTests[0].headers.Authorization})
     * @throws DeployException when the secret or its latest version does not exist, naming the secret and the role
     */
    public String value(String secretId, String usedBy) {
        SecretVersions versions = new SecretVersions(secrets, SecretName.of(env.projectId(), secretId));
        String value = versions.access("latest").map(v -> new String(v.data(), StandardCharsets.UTF_8).strip())
                .orElseThrow(() -> DeployException.of("The secret " + secretId + " has no readable version in " + env.projectId(),
                        usedBy + " takes its value from the Secret Manager secret " + secretId + " of " + env.name() + "'s project "
                                + env.projectId() + ". Create it (gcloud secrets create " + secretId + " --project " + env.projectId()
                                + ") with the value as its first version, and grant the deployer " + SecretVersions.ACCESSOR_ROLE + " on it."));
        mask.add(value);
        return value;
    }
}
