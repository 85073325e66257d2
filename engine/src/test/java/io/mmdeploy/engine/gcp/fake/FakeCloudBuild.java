package io.mmdeploy.engine.gcp.fake;

import com.google.cloudbuild.v1.Build;
import com.google.cloudbuild.v1.BuildOperationMetadata;
import com.google.cloudbuild.v1.BuiltImage;
import com.google.cloudbuild.v1.CancelBuildRequest;
import com.google.cloudbuild.v1.CloudBuildGrpc;
import com.google.cloudbuild.v1.CreateBuildRequest;
import com.google.cloudbuild.v1.GetBuildRequest;
import com.google.cloudbuild.v1.Results;
import com.google.longrunning.Operation;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Cloud Build: builds are long-running operations that finish after a simulated latency, with an outcome
 * chosen per image repository. A successful build pushes its tags into the {@link FakeArtifactRegistry}.
 */
public final class FakeCloudBuild extends CloudBuildGrpc.CloudBuildImplBase {

    /** How a build of an image ends. */
    public enum Outcome {
        SUCCESS,
        /** A build step exits non-zero. */
        STEP_FAILURE,
        /** The image is built but Artifact Registry refuses the push. */
        PUSH_FAILURE,
        /** Reports success but no pushed digest. */
        NO_DIGEST,
        /** Never finishes (until cancelled). */
        HANG
    }

    private final FakeOperations operations;
    private final FakeArtifactRegistry registry;
    private final Map<String, Build> builds = new ConcurrentHashMap<>();
    private final Map<String, Outcome> outcomes = new ConcurrentHashMap<>();
    private final List<Build> submitted = java.util.Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger ids = new AtomicInteger();
    private volatile Duration latency = Duration.ZERO;
    private final Map<String, Duration> latencies = new ConcurrentHashMap<>();

    FakeCloudBuild(FakeOperations operations, FakeArtifactRegistry registry) {
        this.operations = operations;
        this.registry = registry;
    }

    /** Builds of this repository (host/project/repo/image, no tag) end this way from now on. */
    public void outcome(String repository, Outcome outcome) {
        outcomes.put(repository, outcome);
    }

    /** How long one repository's builds take (the benchmark's profile); others take {@link #latency(Duration)}. */
    public void latency(String repository, Duration value) {
        latencies.put(repository, value);
    }

    /** How long each build takes (wall time), to measure parallelism. */
    public void latency(Duration value) {
        latency = value;
    }

    /** Every build submitted, in order, as submitted. */
    public List<Build> submitted() {
        synchronized (submitted) {
            return List.copyOf(submitted);
        }
    }

    public Build build(String id) {
        return builds.get(id);
    }

    @Override
    public void createBuild(CreateBuildRequest request, StreamObserver<Operation> response) {
        String id = "build-" + ids.incrementAndGet();
        String project = request.getProjectId();
        Build build = request.getBuild().toBuilder()
                .setId(id)
                .setProjectId(project)
                .setName("projects/" + project + "/builds/" + id)
                .setStatus(Build.Status.QUEUED)
                .setLogUrl("https://console.cloud.google.com/cloud-build/builds/" + id + "?project=" + project)
                .build();
        builds.put(id, build);
        submitted.add(build);
        String repository = build.getImagesCount() == 0 ? "" : untagged(build.getImages(0));
        Outcome outcome = outcomes.getOrDefault(repository, Outcome.SUCCESS);
        long readyAt = System.nanoTime() + latencies.getOrDefault(repository, latency).toNanos();
        response.onNext(operations.track("projects/" + project, () -> progress(id, outcome, readyAt)));
        response.onCompleted();
    }

    private synchronized Operation progress(String id, Outcome outcome, long readyAt) {
        Build build = builds.get(id);
        if (build.getStatus() == Build.Status.CANCELLED) {
            return FakeOperations.failed(meta(build), Status.CANCELLED.withDescription("Build was cancelled"));
        }
        if (outcome == Outcome.HANG || System.nanoTime() < readyAt) {
            build = build.toBuilder().setStatus(Build.Status.WORKING).build();
            builds.put(id, build);
            return FakeOperations.pending(meta(build));
        }
        if (build.getStatus() == Build.Status.WORKING || build.getStatus() == Build.Status.QUEUED) {
            build = finish(build, outcome);
            builds.put(id, build);
        }
        if (build.getStatus() == Build.Status.SUCCESS) {
            return FakeOperations.done(meta(build), build);
        }
        return FakeOperations.failed(meta(build), Status.UNKNOWN.withDescription("Build failed; check build logs for details"));
    }

    private Build finish(Build build, Outcome outcome) {
        Build.Builder b = build.toBuilder();
        switch (outcome) {
            case STEP_FAILURE -> b.setStatus(Build.Status.FAILURE)
                    .setStatusDetail("Build step 0 \"gcr.io/cloud-builders/docker\" failed: step exited with non-zero status: 1")
                    .setFailureInfo(Build.FailureInfo.newBuilder().setType(Build.FailureInfo.FailureType.USER_BUILD_STEP)
                            .setDetail("Build step failure: build step 0 \"gcr.io/cloud-builders/docker\" failed"));
            case PUSH_FAILURE -> b.setStatus(Build.Status.FAILURE)
                    .setStatusDetail("failed to push images")
                    .setFailureInfo(Build.FailureInfo.newBuilder().setType(Build.FailureInfo.FailureType.PUSH_FAILED)
                            .setDetail("denied: Permission \"artifactregistry.repositories.uploadArtifacts\" denied"));
            case NO_DIGEST -> b.setStatus(Build.Status.SUCCESS);
            default -> {
                Results.Builder results = Results.newBuilder();
                String digest = "sha256:" + sha256(build.getId() + build.getImagesList());
                for (String image : build.getImagesList()) {
                    results.addImages(BuiltImage.newBuilder().setName(image).setDigest(digest));
                }
                String repository = untagged(build.getImages(0));
                registry.push(repository, digest, build.getImagesList().stream().map(i -> i.substring(i.lastIndexOf(':') + 1)).toList());
                b.setStatus(Build.Status.SUCCESS).setResults(results);
            }
        }
        return b.build();
    }

    @Override
    public void getBuild(GetBuildRequest request, StreamObserver<Build> response) {
        Build build = builds.get(request.getId());
        if (build == null) {
            response.onError(Status.NOT_FOUND.withDescription("build " + request.getId()).asRuntimeException());
            return;
        }
        response.onNext(build);
        response.onCompleted();
    }

    @Override
    public synchronized void cancelBuild(CancelBuildRequest request, StreamObserver<Build> response) {
        Build build = builds.get(request.getId());
        if (build == null) {
            response.onError(Status.NOT_FOUND.withDescription("build " + request.getId()).asRuntimeException());
            return;
        }
        build = build.toBuilder().setStatus(Build.Status.CANCELLED).build();
        builds.put(build.getId(), build);
        response.onNext(build);
        response.onCompleted();
    }

    private static BuildOperationMetadata meta(Build build) {
        return BuildOperationMetadata.newBuilder().setBuild(build).build();
    }

    private static String untagged(String image) {
        int colon = image.lastIndexOf(':');
        return colon > image.lastIndexOf('/') ? image.substring(0, colon) : image;
    }

    static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
