package io.mmdeploy.engine.gcp.fake;

import com.google.devtools.artifactregistry.v1.ArtifactRegistryGrpc;
import com.google.devtools.artifactregistry.v1.CreateRepositoryRequest;
import com.google.devtools.artifactregistry.v1.CreateTagRequest;
import com.google.devtools.artifactregistry.v1.GetRepositoryRequest;
import com.google.devtools.artifactregistry.v1.GetTagRequest;
import com.google.devtools.artifactregistry.v1.OperationMetadata;
import com.google.devtools.artifactregistry.v1.Repository;
import com.google.devtools.artifactregistry.v1.Tag;
import com.google.devtools.artifactregistry.v1.UpdateTagRequest;
import com.google.devtools.artifactregistry.v1.DeleteVersionRequest;
import com.google.devtools.artifactregistry.v1.ListVersionsRequest;
import com.google.devtools.artifactregistry.v1.ListVersionsResponse;
import com.google.devtools.artifactregistry.v1.OperationMetadata;
import com.google.devtools.artifactregistry.v1.Version;
import com.google.devtools.artifactregistry.v1.VersionView;
import com.google.iam.v1.TestIamPermissionsRequest;
import com.google.iam.v1.TestIamPermissionsResponse;
import com.google.longrunning.Operation;
import com.google.protobuf.Empty;
import com.google.protobuf.Timestamp;
import java.time.Instant;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Artifact Registry: repositories (created by a long-running operation), their {@code testIamPermissions}, and Docker
 * images: versions (digests) with their creation time, and tags (tag resource name → version resource name). Deleting
 * a version is a long-running operation that also removes its tags. Pushes need no repository here, so that tests
 * about images need not create one.
 */
public final class FakeArtifactRegistry extends ArtifactRegistryGrpc.ArtifactRegistryImplBase {
    private final Map<String, String> tags = new ConcurrentHashMap<>();
    private final Map<String, Repository> repositories = new ConcurrentHashMap<>();
    private final Map<String, Instant> versions = new ConcurrentHashMap<>();
    private final FakeOperations operations;
    private final FakeIam iam;

    FakeArtifactRegistry(FakeOperations operations, FakeIam iam) {
        this.operations = operations;
        this.iam = iam;
    }

    public static String repositoryName(String project, String location, String repository) {
        return "projects/" + project + "/locations/" + location + "/repositories/" + repository;
    }

    /** An existing repository of the given format. */
    public void addRepository(String project, String location, String repository, Repository.Format format) {
        String name = repositoryName(project, location, repository);
        repositories.put(name, Repository.newBuilder().setName(name).setFormat(format).build());
    }

    /** Every repository by resource name. */
    public Map<String, Repository> repositories() {
        return Map.copyOf(repositories);
    }

    @Override
    public void getRepository(GetRepositoryRequest request, StreamObserver<Repository> response) {
        Repository repository = repositories.get(request.getName());
        if (repository == null) {
            response.onError(Status.NOT_FOUND.withDescription("Requested entity was not found.").asRuntimeException());
            return;
        }
        response.onNext(repository);
        response.onCompleted();
    }

    @Override
    public void createRepository(CreateRepositoryRequest request, StreamObserver<Operation> response) {
        String name = request.getParent() + "/repositories/" + request.getRepositoryId();
        Repository repository = request.getRepository().toBuilder().setName(name).build();
        if (repositories.putIfAbsent(name, repository) != null) {
            response.onError(Status.ALREADY_EXISTS.withDescription("the repository already exists").asRuntimeException());
            return;
        }
        response.onNext(operations.track(request.getParent(), () -> FakeOperations.done(OperationMetadata.getDefaultInstance(), repository)));
        response.onCompleted();
    }

    @Override
    public void testIamPermissions(TestIamPermissionsRequest request, StreamObserver<TestIamPermissionsResponse> response) {
        if (!repositories.containsKey(request.getResource())) {
            response.onError(Status.NOT_FOUND.withDescription("Requested entity was not found.").asRuntimeException());
            return;
        }
        iam.answer(request, "artifactregistry.", response);
    }

    /** What a push does: every tag of {@code repository} (host/project/repo/image) points at the digest. */
    public void push(String repository, String digest, Iterable<String> pushedTags) {
        String pkg = packageOf(repository);
        versions.putIfAbsent(pkg + "/versions/" + digest, Instant.now());
        for (String tag : pushedTags) {
            tags.put(pkg + "/tags/" + tag, pkg + "/versions/" + digest);
        }
    }

    /** A version pushed at {@code created}, with these tags. */
    public void version(String repository, String digest, Instant created, String... versionTags) {
        String pkg = packageOf(repository);
        versions.put(pkg + "/versions/" + digest, created);
        for (String tag : versionTags) {
            tags.put(pkg + "/tags/" + tag, pkg + "/versions/" + digest);
        }
    }

    public boolean hasVersion(String repository, String digest) {
        return versions.containsKey(packageOf(repository) + "/versions/" + digest);
    }

    @Override
    public void listVersions(ListVersionsRequest request, StreamObserver<ListVersionsResponse> response) {
        ListVersionsResponse.Builder out = ListVersionsResponse.newBuilder();
        versions.forEach((name, created) -> {
            if (!name.startsWith(request.getParent() + "/versions/")) {
                return;
            }
            Version.Builder v = Version.newBuilder().setName(name)
                    .setCreateTime(Timestamp.newBuilder().setSeconds(created.getEpochSecond()).setNanos(created.getNano()));
            if (request.getView() == VersionView.FULL) {
                tags.forEach((tag, version) -> {
                    if (version.equals(name)) {
                        v.addRelatedTags(Tag.newBuilder().setName(tag).setVersion(version));
                    }
                });
            }
            out.addVersions(v);
        });
        response.onNext(out.build());
        response.onCompleted();
    }

    @Override
    public void deleteVersion(DeleteVersionRequest request, StreamObserver<Operation> response) {
        boolean tagged = tags.containsValue(request.getName());
        if (tagged && !request.getForce()) {
            response.onError(Status.FAILED_PRECONDITION.withDescription("version has tags; set force").asRuntimeException());
            return;
        }
        if (versions.remove(request.getName()) == null) {
            response.onError(Status.NOT_FOUND.withDescription("version " + request.getName()).asRuntimeException());
            return;
        }
        tags.values().removeIf(v -> v.equals(request.getName()));
        response.onNext(operations.track(request.getName(), () -> FakeOperations.done(OperationMetadata.getDefaultInstance(), Empty.getDefaultInstance())));
        response.onCompleted();
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
