package io.mmdeploy.engine.gcp;

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
import java.util.Map;
import java.util.Optional;
import java.util.zip.CRC32C;

/**
 * The versions of one Secret Manager secret: create the secret when missing, add a version with its
 * checksum, read a version. Errors name the secret and the role; they never carry a payload.
 */
public final class SecretVersions {
    public static final String ADMIN_ROLE = "roles/secretmanager.admin";
    public static final String ACCESSOR_ROLE = "roles/secretmanager.secretAccessor";

    private final SecretManagerServiceClient secrets;
    private final SecretName secret;

    public SecretVersions(SecretManagerServiceClient secrets, SecretName secret) {
        this.secrets = secrets;
        this.secret = secret;
    }

    public SecretName secret() {
        return secret;
    }

    /** Creates the secret (automatic replication, with the labels) unless it exists; true when it was created. */
    public boolean ensureExists(Map<String, String> labels) {
        try {
            secrets.getSecret(secret);
            return false;
        } catch (ApiException e) {
            if (!ApiFailure.is(e, StatusCode.Code.NOT_FOUND)) {
                throw ApiFailure.of("read the secret " + secret.getSecret(), secret.toString(), ADMIN_ROLE, e);
            }
        }
        try {
            secrets.createSecret(ProjectName.of(secret.getProject()), secret.getSecret(), Secret.newBuilder()
                    .setReplication(Replication.newBuilder().setAutomatic(Replication.Automatic.getDefaultInstance()))
                    .putAllLabels(labels)
                    .build());
            return true;
        } catch (ApiException e) {
            if (!ApiFailure.is(e, StatusCode.Code.ALREADY_EXISTS)) {
                throw ApiFailure.of("create the secret " + secret.getSecret(), secret.toString(), ADMIN_ROLE, e);
            }
            return false;
        }
    }

    /** Adds a version (with a CRC32C, so a corrupted upload is refused); returns its number. */
    public long add(byte[] data) {
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
        return number(version.getName());
    }

    /**
     * One version's payload and number; {@code "latest"} for the newest enabled one. Empty when it does not
     * exist or cannot be read any more (disabled or destroyed).
     */
    public Optional<Version> access(String version) {
        SecretVersionName name = SecretVersionName.of(secret.getProject(), secret.getSecret(), version);
        AccessSecretVersionResponse response;
        try {
            response = secrets.accessSecretVersion(name);
        } catch (ApiException e) {
            if (ApiFailure.is(e, StatusCode.Code.NOT_FOUND) || ApiFailure.is(e, StatusCode.Code.FAILED_PRECONDITION)) {
                return Optional.empty();
            }
            throw ApiFailure.of("read the secret " + secret.getSecret(), name.toString(), ACCESSOR_ROLE, e);
        }
        return Optional.of(new Version(number(response.getName()), response.getPayload().getData().toByteArray()));
    }

    /** A version's number and payload. */
    public record Version(long number, byte[] data) {}

    private static long number(String versionName) {
        return Long.parseLong(versionName.substring(versionName.lastIndexOf('/') + 1));
    }
}
