package io.mmdeploy.engine.serviceurls;

import com.google.api.gax.rpc.ApiException;
import com.google.api.gax.rpc.StatusCode;
import com.google.cloud.secretmanager.v1.AccessSecretVersionResponse;
import com.google.cloud.secretmanager.v1.ProjectName;
import com.google.cloud.secretmanager.v1.Replication;
import com.google.cloud.secretmanager.v1.Secret;
import com.google.cloud.secretmanager.v1.SecretManagerServiceClient;
import com.google.cloud.secretmanager.v1.SecretName;
import com.google.cloud.secretmanager.v1.SecretPayload;
import com.google.cloud.secretmanager.v1.SecretVersion;
import com.google.cloud.secretmanager.v1.SecretVersionName;
import com.google.protobuf.ByteString;
import io.mmdeploy.engine.config.EnvironmentSpec;
import io.mmdeploy.engine.diagnostics.DeployException;
import io.mmdeploy.engine.gcp.ApiFailure;
import io.mmdeploy.engine.port.SecretMask;
import io.mmdeploy.engine.port.StageLog;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The secret {@code service-urls-<env>} in the environment's own project: written as a new version after the
 * services deploy, read back for the gateway build. Payloads go into the run's {@link SecretMask} before any
 * call, and are never part of a log line or an error.
 */
public final class ServiceUrlsSecret {
    public static final String STAGE = "service-urls";
    private static final String ADMIN_ROLE = "roles/secretmanager.admin";
    private static final String ACCESSOR_ROLE = "roles/secretmanager.secretAccessor";

    private final SecretManagerServiceClient secrets;
    private final SecretMask mask;
    private final StageLog log;

    public ServiceUrlsSecret(SecretManagerServiceClient secrets, SecretMask mask, StageLog log) {
        this.secrets = secrets;
        this.mask = mask;
        this.log = log;
    }

    public static String secretId(EnvironmentSpec env) {
        return env.serviceUrlsSecret() == null || env.serviceUrlsSecret().isBlank()
                ? "service-urls-" + env.name()
                : env.serviceUrlsSecret();
    }

    /** Stores the URLs as a new version, creating the secret when missing; returns the version's name. */
    public String publish(EnvironmentSpec env, ServiceUrls urls) {
        String payload = urls.toJson();
        mask.add(payload);
        SecretName secret = SecretName.of(env.projectId(), secretId(env));
        ensureExists(env, secret);
        byte[] data = payload.getBytes(StandardCharsets.UTF_8);
        CRC32C crc = new CRC32C();
        crc.update(data);
        SecretVersion version;
        try {
            version = secrets.addSecretVersion(secret, SecretPayload.newBuilder()
                    .setData(ByteString.copyFrom(data))
                    .setDataCrc32C(crc.getValue())
                    .build());
        } catch (ApiException e) {
            throw ApiFailure.of("add a version to the secret " + secret.getSecret(), secret.toString(), ADMIN_ROLE, e);
        }
        log.info("Stored " + urls.byService().size() + " service URL(s) as " + version.getName());
        return version.getName();
    }

    /** The latest version's URLs; {@code knownServices} maps the stored keys back to service names. */
    public ServiceUrls read(EnvironmentSpec env, List<String> knownServices) {
        SecretVersionName latest = SecretVersionName.of(env.projectId(), secretId(env), "latest");
        AccessSecretVersionResponse response;
        try {
            response = secrets.accessSecretVersion(latest);
        } catch (ApiException e) {
            if (ApiFailure.is(e, StatusCode.Code.NOT_FOUND)) {
                throw DeployException.of("The secret " + secretId(env) + " has no version in project " + env.projectId(),
                        latest + " does not exist. It is written after the services deploy: run mmServiceUrls"
                                + " (mmdeploy service-urls -e " + env.name() + ") first.");
            }
            throw ApiFailure.of("read the secret " + secretId(env), latest.toString(), ACCESSOR_ROLE, e);
        }
        String payload = response.getPayload().getData().toStringUtf8();
        mask.add(payload);
        String version = response.getName().substring(response.getName().lastIndexOf('/') + 1);
        ServiceUrls urls = ServiceUrls.parse(payload, knownServices).orElseThrow(() -> DeployException.of(
                "The secret " + secretId(env) + " (version " + version + ") is not a JSON object of service URLs",
                "Expected {\"agent_service_url\": \"https://…\", …}. The payload is not shown because it is secret."
                        + " Run mmServiceUrls to write a fresh version."));
        log.info("Read " + urls.byService().size() + " service URL(s) from " + secretId(env) + " version " + version);
        return urls;
    }

    private void ensureExists(EnvironmentSpec env, SecretName secret) {
        try {
            secrets.getSecret(secret);
            return;
        } catch (ApiException e) {
            if (!ApiFailure.is(e, StatusCode.Code.NOT_FOUND)) {
                throw ApiFailure.of("read the secret " + secret.getSecret(), secret.toString(), ADMIN_ROLE, e);
            }
        }
        try {
            secrets.createSecret(ProjectName.of(env.projectId()), secret.getSecret(), Secret.newBuilder()
                    .setReplication(Replication.newBuilder().setAutomatic(Replication.Automatic.getDefaultInstance()))
                    .putLabels("managed-by", "mm-deploy")
                    .build());
            log.info("Created the secret " + secret);
        } catch (ApiException e) {
            if (!ApiFailure.is(e, StatusCode.Code.ALREADY_EXISTS)) {
                throw ApiFailure.of("create the secret " + secret.getSecret(), secret.toString(), ADMIN_ROLE, e);
            }
        }
    }
}
