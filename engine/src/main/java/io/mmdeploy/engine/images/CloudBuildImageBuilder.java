package io.mmdeploy.engine.images;

import com.google.api.gax.longrunning.OperationFuture;
import com.google.api.gax.rpc.ApiException;
import com.google.cloud.devtools.cloudbuild.v1.CloudBuildClient;
import com.google.cloudbuild.v1.Build;
import com.google.cloudbuild.v1.BuildOperationMetadata;
import com.google.cloudbuild.v1.BuildStep;
import com.google.cloudbuild.v1.BuiltImage;
import com.google.cloudbuild.v1.CreateBuildRequest;
import com.google.cloudbuild.v1.Source;
import com.google.cloudbuild.v1.StorageSource;
import io.mmdeploy.engine.config.EnvironmentSpec;
import io.mmdeploy.engine.diagnostics.DeployException;
import io.mmdeploy.engine.gcp.ApiFailure;
import io.mmdeploy.engine.gcp.GoogleClients;
import io.mmdeploy.engine.gcp.Operations;
import io.mmdeploy.engine.port.StageLog;
import io.mmdeploy.engine.port.Workspace;
import io.mmdeploy.engine.source.ImageTags;
import io.mmdeploy.engine.source.Sha256;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

/**
 * Builds with Cloud Build in the environment's own project: the context goes up as an archive to the
 * staging bucket, one docker step builds it, Cloud Build pushes every tag and reports the digest.
 */
public final class CloudBuildImageBuilder implements ImageBuilder {
    static final String DOCKER_BUILDER = "gcr.io/cloud-builders/docker";
    private static final String BUILD_ROLE = "roles/cloudbuild.builds.editor";

    private final CloudBuildClient cloudBuild;
    private final ContextUploader uploader;
    private final Workspace workspace;
    private final String projectId;
    private final String region;
    private final String stagingBucket;
    private final Duration timeout;
    private final String cacheTag;
    /**
     * Each archive this builder uploaded (or is uploading), by object: services that share a context (MindMirror's
     * {@code .}) make the same archive, which then goes up once and serves all their builds.
     */
    private final Map<String, CompletableFuture<Void>> uploads = new ConcurrentHashMap<>();

    public CloudBuildImageBuilder(CloudBuildClient cloudBuild, ContextUploader uploader, Workspace workspace,
            String projectId, String region, String stagingBucket, Duration timeout) {
        this(cloudBuild, uploader, workspace, projectId, region, stagingBucket, timeout, null);
    }

    /**
     * @param cacheTag the tag of each image's previous build to take layers from ({@code <env>-latest}); null for none
     * @param workspace the app repository, wherever it is (contexts are relative to it); the archive is made here
     * @param stagingBucket where contexts are uploaded, in the environment's project ({@code <project>_cloudbuild} by convention)
     * @param timeout how long one build may take; it is also given to Cloud Build
     */
    public CloudBuildImageBuilder(CloudBuildClient cloudBuild, ContextUploader uploader, Workspace workspace,
            String projectId, String region, String stagingBucket, Duration timeout, String cacheTag) {
        this.cloudBuild = cloudBuild;
        this.uploader = uploader;
        this.workspace = workspace;
        this.projectId = projectId;
        this.region = region;
        this.stagingBucket = stagingBucket;
        this.timeout = timeout;
        this.cacheTag = cacheTag;
    }

    public static String defaultStagingBucket(String projectId) {
        return projectId + "_cloudbuild";
    }

    /**
     * The builder for one environment: contexts go to {@code stagingBucket} (null for the default bucket) in the
     * environment's own project, builds run there.
     */
    public static CloudBuildImageBuilder forEnvironment(GoogleClients clients, EnvironmentSpec env, Workspace workspace,
            String stagingBucket, Duration timeout) {
        return new CloudBuildImageBuilder(clients.cloudBuild(), new GcsContextUploader(clients.storage(), env.projectId(), env.projectNumber()),
                workspace, env.projectId(), env.region(),
                stagingBucket != null ? stagingBucket : defaultStagingBucket(env.projectId()), timeout, new ImageTags(env).alias());
    }

    @Override
    public String describe() {
        return "Cloud Build (project " + projectId + ")";
    }

    @Override
    public String build(ImageBuildRequest request, List<String> tags, StageLog log) throws InterruptedException {
        String dockerfile = dockerfileInContext(request);
        String object = uploadContext(request, dockerfile, log);

        List<String> images = tags.stream().map(t -> request.repository() + ":" + t).toList();
        List<String> args = new ArrayList<>(List.of("build", "--network=cloudbuild", "-f", dockerfile));
        for (String image : images) {
            args.add("-t");
            args.add(image);
        }
        for (Map.Entry<String, String> arg : request.buildArgs().entrySet()) {
            args.add("--build-arg");
            args.add(arg.getKey() + "=" + arg.getValue());
        }
        if (cacheTag != null) {
            // BuildKit's inline cache: layers whose inputs did not change (a source-only change leaves the dependency
            // layers alone) come from the environment's last deployed image; a missing one only warns, never fails.
            // Not Kaniko's cache, the other one Cloud Build documents: Google archived Kaniko in June 2025.
            args.add("--cache-from");
            args.add(request.repository() + ":" + cacheTag);
            args.add("--build-arg");
            args.add("BUILDKIT_INLINE_CACHE=1");
        }
        args.add(".");
        Build build = Build.newBuilder()
                .setSource(Source.newBuilder().setStorageSource(
                        StorageSource.newBuilder().setBucket(stagingBucket).setObject(object)))
                .addSteps(BuildStep.newBuilder().setName(DOCKER_BUILDER).addAllArgs(args).addEnv("DOCKER_BUILDKIT=1"))
                .addAllImages(images)
                .setTimeout(com.google.protobuf.Duration.newBuilder().setSeconds(timeout.toSeconds()))
                .addTags("mm-deploy")
                .addTags(request.service().replaceAll("[^a-zA-Z0-9_.-]", "-"))
                .build();
        OperationFuture<Build, BuildOperationMetadata> future = cloudBuild.createBuildAsync(CreateBuildRequest.newBuilder()
                .setParent("projects/" + projectId + "/locations/" + region)
                .setProjectId(projectId)
                .setBuild(build)
                .build());
        Build started = startedBuild(request, future);
        log.info(request.service() + ": Cloud Build " + started.getId() + " started, log " + started.getLogUrl());

        Build finished;
        try {
            finished = Operations.await(future, timeout);
        } catch (TimeoutException e) {
            cancel(started.getId());
            throw DeployException.of("Image build for " + request.service() + " timed out after " + timeout.toMinutes() + " min",
                    "Cloud Build build " + started.getId() + " in project " + projectId + " was cancelled.\nLog: "
                            + started.getLogUrl() + "\nRaise the build timeout if the image needs longer.");
        } catch (ApiException e) {
            finished = lookUp(request, started.getId(), e);
        } catch (InterruptedException e) {
            // An aborted run stops what it started: the build would otherwise run on (and push) after the run is gone.
            cancel(started.getId());
            log.info(request.service() + ": the run was interrupted; Cloud Build " + started.getId() + " cancelled");
            throw e;
        }
        if (finished.getStatus() != Build.Status.SUCCESS) {
            throw failed(request, finished);
        }
        return digestOf(request, images, finished);
    }

    /**
     * Archives the context and puts it in the staging bucket under its content's hash (the archive is the same for the
     * same files: {@link BuildContextArchive}); an archive this builder already uploaded is not uploaded again.
     * Returns the object's name.
     */
    private String uploadContext(ImageBuildRequest request, String dockerfile, StageLog log) throws InterruptedException {
        Path archive = null;
        try {
            archive = Files.createTempFile("mm-deploy-context-", ".tgz");
            BuildContextArchive.Summary summary;
            MessageDigest sha256 = Sha256.digest();
            try (OutputStream out = new DigestOutputStream(Files.newOutputStream(archive), sha256)) {
                summary = new BuildContextArchive().write(workspace, request.context(), dockerfile, out);
            }
            String object = "mm-deploy/context-" + HexFormat.of().formatHex(sha256.digest()) + ".tgz";
            String where = "gs://" + stagingBucket + "/" + object;
            CompletableFuture<Void> mine = new CompletableFuture<>();
            CompletableFuture<Void> first = uploads.putIfAbsent(object, mine);
            if (first == null) {
                try {
                    uploader.upload(stagingBucket, object, archive);
                    mine.complete(null);
                } catch (RuntimeException | InterruptedException e) {
                    // Another build of the same archive tries again rather than inherit this failure.
                    uploads.remove(object, mine);
                    mine.completeExceptionally(e);
                    throw e;
                }
                log.info(request.service() + ": context " + summary.files() + " files, " + summary.bytes() + " bytes -> " + where);
            } else {
                awaitUpload(first, request, where);
                log.info(request.service() + ": context " + summary.files() + " files, " + summary.bytes() + " bytes, the archive"
                        + " already uploaded for another service: " + where);
            }
            return object;
        } catch (IOException e) {
            throw DeployException.of("Cannot archive the build context of " + request.service(),
                    request.context() + ": " + e.getMessage());
        } finally {
            if (archive != null) {
                try {
                    Files.deleteIfExists(archive);
                } catch (IOException ignored) {
                    // A leftover temp file is harmless.
                }
            }
        }
    }

    private Build startedBuild(ImageBuildRequest request, OperationFuture<Build, BuildOperationMetadata> future)
            throws InterruptedException {
        try {
            return future.getMetadata().get().getBuild();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof ApiException api) {
                throw ApiFailure.of("start the Cloud Build build of " + request.service(), "projects/" + projectId, BUILD_ROLE, api);
            }
            if (e.getCause() instanceof InterruptedException interrupted) {
                // Interrupted inside the create call: the build's id never reached us, so it cannot be cancelled here.
                throw interrupted;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    private Build lookUp(ImageBuildRequest request, String buildId, ApiException operationError) {
        try {
            return cloudBuild.getBuild(projectId, buildId);
        } catch (ApiException e) {
            throw ApiFailure.of("follow the Cloud Build build of " + request.service(),
                    "projects/" + projectId + "/builds/" + buildId, BUILD_ROLE, operationError);
        }
    }

    private void cancel(String buildId) {
        // A still-set interrupt would fail the cancel call itself at once: clear it for the call, then keep it.
        boolean interrupted = Thread.interrupted();
        try {
            cloudBuild.cancelBuild(projectId, buildId);
        } catch (ApiException e) {
            // The build may have ended meanwhile; the timeout or the interruption is reported either way.
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private DeployException failed(ImageBuildRequest request, Build build) {
        Build.FailureInfo.FailureType type = build.getFailureInfo().getType();
        boolean push = type == Build.FailureInfo.FailureType.PUSH_FAILED
                || type == Build.FailureInfo.FailureType.PUSH_NOT_AUTHORIZED
                || type == Build.FailureInfo.FailureType.PUSH_IMAGE_NOT_FOUND;
        String summary = push
                ? "Push of the image of " + request.service() + " failed"
                : "Image build for " + request.service() + " " + build.getStatus().name().toLowerCase(java.util.Locale.ROOT);
        String detail = "Cloud Build build " + build.getId() + " in project " + projectId + " ended " + build.getStatus()
                + (build.getStatusDetail().isEmpty() ? "" : ": " + build.getStatusDetail())
                + (build.getFailureInfo().getDetail().isEmpty() ? "" : "\n" + build.getFailureInfo().getDetail())
                + "\nLog: " + build.getLogUrl()
                + (push ? "\nCheck that the deployer's Cloud Build service account has roles/artifactregistry.writer on "
                        + request.registry() + "." : "");
        return DeployException.of(summary, detail);
    }

    private static String digestOf(ImageBuildRequest request, List<String> images, Build build) {
        for (BuiltImage built : build.getResults().getImagesList()) {
            if ((images.contains(built.getName()) || built.getName().equals(request.repository()))
                    && built.getDigest().startsWith("sha256:")) {
                return built.getDigest();
            }
        }
        throw ImageCatalog.missingDigest(request.service(), "Cloud Build build " + build.getId() + " (log " + build.getLogUrl() + ")");
    }

    static String dockerfileInContext(ImageBuildRequest request) {
        Path context = Path.of(request.context().isEmpty() ? "." : request.context()).normalize();
        Path dockerfile = Path.of(request.dockerfilePath()).normalize();
        Path relative = context.toString().isEmpty() ? dockerfile : context.relativize(dockerfile);
        if (relative.startsWith("..")) {
            throw DeployException.of("The Dockerfile of " + request.service() + " is outside its build context",
                    request.dockerfilePath() + " is not inside " + request.context() + ". Move it into the context or widen build.context.");
        }
        return relative.toString().replace('\\', '/');
    }

    /** Waits for another build's upload of the same archive; its failure is this build's too, naming this service. */
    private static void awaitUpload(CompletableFuture<Void> upload, ImageBuildRequest request, String where) throws InterruptedException {
        try {
            upload.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof InterruptedException) {
                // That build was interrupted, not this one: the archive is not there; this build stops as well.
                throw DeployException.of("The build context of " + request.service() + " was not uploaded", where
                        + ": the upload of the same archive for another service was interrupted.");
            }
            if (e.getCause() instanceof DeployException d) {
                throw d;
            }
            throw DeployException.of("The build context of " + request.service() + " was not uploaded", where + ": "
                    + e.getCause().getMessage());
        }
    }
}
