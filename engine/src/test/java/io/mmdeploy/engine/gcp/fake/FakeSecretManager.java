package io.mmdeploy.engine.gcp.fake;

import com.google.cloud.secretmanager.v1.AccessSecretVersionRequest;
import com.google.cloud.secretmanager.v1.AccessSecretVersionResponse;
import com.google.cloud.secretmanager.v1.AddSecretVersionRequest;
import com.google.cloud.secretmanager.v1.CreateSecretRequest;
import com.google.cloud.secretmanager.v1.GetSecretRequest;
import com.google.cloud.secretmanager.v1.Secret;
import com.google.cloud.secretmanager.v1.SecretManagerServiceGrpc;
import com.google.cloud.secretmanager.v1.SecretPayload;
import com.google.cloud.secretmanager.v1.SecretVersion;
import com.google.protobuf.ByteString;
import com.google.iam.v1.TestIamPermissionsRequest;
import com.google.iam.v1.TestIamPermissionsResponse;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.CRC32C;

/**
 * Secret Manager: secrets with numbered versions; checks the payload checksum as the real service does; answers
 * {@code testIamPermissions} on a secret from {@link FakeIam}.
 */
public final class FakeSecretManager extends SecretManagerServiceGrpc.SecretManagerServiceImplBase {
    private final Map<String, Secret> secrets = new ConcurrentHashMap<>();
    private final Map<String, List<ByteString>> versions = new ConcurrentHashMap<>();
    private final FakeIam iam;

    FakeSecretManager(FakeIam iam) {
        this.iam = iam;
    }

    @Override
    public void testIamPermissions(TestIamPermissionsRequest request, StreamObserver<TestIamPermissionsResponse> response) {
        if (!secrets.containsKey(request.getResource())) {
            response.onError(Status.NOT_FOUND.withDescription("Secret [" + request.getResource() + "] not found.").asRuntimeException());
            return;
        }
        iam.answer(request, "secretmanager.", response);
    }

    /** Seeds a secret with one version (e.g. a malformed payload). */
    public synchronized void put(String project, String secretId, String payload) {
        String name = "projects/" + project + "/secrets/" + secretId;
        secrets.putIfAbsent(name, Secret.newBuilder().setName(name).build());
        versions.computeIfAbsent(name, k -> new ArrayList<>()).add(ByteString.copyFromUtf8(payload));
    }

    public boolean exists(String project, String secretId) {
        return secrets.containsKey("projects/" + project + "/secrets/" + secretId);
    }

    /** The payloads of a secret, oldest first. */
    public synchronized List<String> payloads(String project, String secretId) {
        return versions.getOrDefault("projects/" + project + "/secrets/" + secretId, List.of()).stream()
                .map(b -> b.toString(StandardCharsets.UTF_8)).toList();
    }

    public Optional<Secret> secret(String project, String secretId) {
        return Optional.ofNullable(secrets.get("projects/" + project + "/secrets/" + secretId));
    }

    @Override
    public void getSecret(GetSecretRequest request, StreamObserver<Secret> response) {
        Secret secret = secrets.get(request.getName());
        if (secret == null) {
            response.onError(Status.NOT_FOUND.withDescription("Secret [" + request.getName() + "] not found.").asRuntimeException());
            return;
        }
        response.onNext(secret);
        response.onCompleted();
    }

    @Override
    public synchronized void createSecret(CreateSecretRequest request, StreamObserver<Secret> response) {
        String name = request.getParent() + "/secrets/" + request.getSecretId();
        if (secrets.containsKey(name)) {
            response.onError(Status.ALREADY_EXISTS.withDescription("Secret [" + name + "] already exists.").asRuntimeException());
            return;
        }
        Secret secret = request.getSecret().toBuilder().setName(name).build();
        secrets.put(name, secret);
        response.onNext(secret);
        response.onCompleted();
    }

    @Override
    public synchronized void addSecretVersion(AddSecretVersionRequest request, StreamObserver<SecretVersion> response) {
        if (!secrets.containsKey(request.getParent())) {
            response.onError(Status.NOT_FOUND.withDescription("Secret [" + request.getParent() + "] not found.").asRuntimeException());
            return;
        }
        SecretPayload payload = request.getPayload();
        if (payload.hasDataCrc32C()) {
            CRC32C crc = new CRC32C();
            crc.update(payload.getData().toByteArray());
            if (crc.getValue() != payload.getDataCrc32C()) {
                response.onError(Status.INVALID_ARGUMENT.withDescription("Data integrity check failed.").asRuntimeException());
                return;
            }
        }
        List<ByteString> list = versions.computeIfAbsent(request.getParent(), k -> new ArrayList<>());
        list.add(payload.getData());
        response.onNext(SecretVersion.newBuilder()
                .setName(request.getParent() + "/versions/" + list.size())
                .setState(SecretVersion.State.ENABLED)
                .build());
        response.onCompleted();
    }

    @Override
    public synchronized void accessSecretVersion(AccessSecretVersionRequest request, StreamObserver<AccessSecretVersionResponse> response) {
        String name = request.getName();
        String secret = name.substring(0, name.indexOf("/versions/"));
        String version = name.substring(name.lastIndexOf('/') + 1);
        List<ByteString> list = versions.getOrDefault(secret, List.of());
        int index = version.equals("latest") ? list.size() : Integer.parseInt(version);
        if (index < 1 || index > list.size()) {
            response.onError(Status.NOT_FOUND.withDescription("Secret Version [" + name + "] not found.").asRuntimeException());
            return;
        }
        ByteString data = list.get(index - 1);
        CRC32C crc = new CRC32C();
        crc.update(data.toByteArray());
        response.onNext(AccessSecretVersionResponse.newBuilder()
                .setName(secret + "/versions/" + index)
                .setPayload(SecretPayload.newBuilder().setData(data).setDataCrc32C(crc.getValue()))
                .build());
        response.onCompleted();
    }
}
