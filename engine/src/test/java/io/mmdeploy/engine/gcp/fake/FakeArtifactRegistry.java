package io.mmdeploy.engine.gcp.fake;

import com.google.devtools.artifactregistry.v1.ArtifactRegistryGrpc;
import com.google.devtools.artifactregistry.v1.CreateTagRequest;
import com.google.devtools.artifactregistry.v1.GetTagRequest;
import com.google.devtools.artifactregistry.v1.Tag;
import com.google.devtools.artifactregistry.v1.UpdateTagRequest;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** Artifact Registry's Docker tags: tag resource name → version (digest) resource name. */
public final class FakeArtifactRegistry extends ArtifactRegistryGrpc.ArtifactRegistryImplBase {
    private final Map<String, String> tags = new ConcurrentHashMap<>();

    /** What a push does: every tag of {@code repository} (host/project/repo/image) points at the digest. */
    public void push(String repository, String digest, Iterable<String> pushedTags) {
        String pkg = packageOf(repository);
        for (String tag : pushedTags) {
            tags.put(pkg + "/tags/" + tag, pkg + "/versions/" + digest);
        }
    }

    public Optional<String> digestOf(String repository, String tag) {
        String version = tags.get(packageOf(repository) + "/tags/" + tag);
        return Optional.ofNullable(version).map(v -> v.substring(v.lastIndexOf('/') + 1));
    }

    /** {@code us-east4-docker.pkg.dev/p/r/img} → {@code projects/p/locations/us-east4/repositories/r/packages/img}. */
    static String packageOf(String repository) {
        String[] parts = repository.split("/", 4);
        String location = parts[0].substring(0, parts[0].indexOf("-docker.pkg.dev"));
        return "projects/" + parts[1] + "/locations/" + location + "/repositories/" + parts[2] + "/packages/"
                + URLEncoder.encode(parts[3], StandardCharsets.UTF_8);
    }

    @Override
    public void getTag(GetTagRequest request, StreamObserver<Tag> response) {
        String version = tags.get(request.getName());
        if (version == null) {
            response.onError(Status.NOT_FOUND.withDescription("Requested entity was not found.").asRuntimeException());
            return;
        }
        response.onNext(Tag.newBuilder().setName(request.getName()).setVersion(version).build());
        response.onCompleted();
    }

    @Override
    public void createTag(CreateTagRequest request, StreamObserver<Tag> response) {
        String name = request.getParent() + "/tags/" + request.getTagId();
        if (tags.putIfAbsent(name, request.getTag().getVersion()) != null) {
            response.onError(Status.ALREADY_EXISTS.withDescription("tag " + name + " exists").asRuntimeException());
            return;
        }
        response.onNext(Tag.newBuilder().setName(name).setVersion(request.getTag().getVersion()).build());
        response.onCompleted();
    }

    @Override
    public void updateTag(UpdateTagRequest request, StreamObserver<Tag> response) {
        String name = request.getTag().getName();
        if (tags.replace(name, request.getTag().getVersion()) == null) {
            response.onError(Status.NOT_FOUND.withDescription("tag " + name).asRuntimeException());
            return;
        }
        response.onNext(request.getTag());
        response.onCompleted();
    }
}
