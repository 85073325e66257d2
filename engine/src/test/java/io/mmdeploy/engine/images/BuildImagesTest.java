package io.mmdeploy.engine.images;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.cloud.devtools.cloudbuild.v1.CloudBuildClient;
import com.google.cloudbuild.v1.Build;
import com.google.cloudbuild.v1.CloudBuildGrpc;
import io.grpc.Status;
import io.mmdeploy.engine.diagnostics.DeployException;
import io.mmdeploy.engine.gcp.GoogleClients;
import io.mmdeploy.engine.gcp.fake.CapturedLog;
import io.mmdeploy.engine.gcp.fake.FakeCloudBuild;
import io.mmdeploy.engine.gcp.fake.FakeContextUploader;
import io.mmdeploy.engine.gcp.fake.FakeGoogleCloud;
import io.mmdeploy.engine.gcp.fake.Fixtures;
import io.mmdeploy.engine.port.local.LocalWorkspace;
import io.mmdeploy.engine.run.ParallelRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BuildImagesTest {
    @TempDir
    Path repo;

    FakeGoogleCloud cloud;
    GoogleClients clients;
    FakeContextUploader uploader = new FakeContextUploader();
    CapturedLog log = new CapturedLog();

    @BeforeEach
    void start() throws IOException {
        cloud = FakeGoogleCloud.start();
        clients = cloud.clients(Fixtures.PROJECT, Duration.ofMinutes(1));
        for (String s : Fixtures.SERVICES) {
            Files.createDirectories(repo.resolve("services/" + s));
            Files.writeString(repo.resolve("services/" + s + "/Dockerfile"), "FROM python:3.12-slim\n");
        }
    }

    @AfterEach
    void stop() {
        clients.close();
        cloud.close();
    }

    BuildImages stage(Duration timeout) {
        CloudBuildClient cb = clients.cloudBuild();
        return new BuildImages(
                new CloudBuildImageBuilder(cb, uploader, new LocalWorkspace(repo), Fixtures.PROJECT, Fixtures.REGION, "mindmirror-staging_cloudbuild", timeout),
                new ImageCatalog(clients.artifactRegistry()), new ParallelRunner(4), log.stage(BuildImages.STAGE));
    }

    static ImageBuildRequest request(String service, String fingerprint, String tag) {
        return new ImageBuildRequest(service, Fixtures.staging().registry(), service + "-service", ".",
                "services/" + service + "/Dockerfile", Map.of("PYTHON_VERSION", "3.12"), fingerprint, List.of(tag));
    }

    static List<ImageBuildRequest> all(String fingerprintPrefix, String tag) {
        return Fixtures.SERVICES.stream().map(s -> request(s, fingerprintPrefix + s, tag)).toList();
    }

    @Test
    void buildsEveryChangedServiceAndReturnsDigestReferences() throws Exception {
        List<ImageRef> images = stage(Duration.ofSeconds(10)).run(all("tree1-", "staging-abc1234"));

        assertThat(images).hasSize(7).allMatch(ImageRef::built);
        assertThat(cloud.cloudBuild.submitted()).hasSize(7);
        ImageRef agent = images.get(0);
        assertThat(agent.service()).isEqualTo("agent");
        assertThat(agent.ref()).matches("us-east4-docker\\.pkg\\.dev/mindmirror-staging/mindmirror/agent-service@sha256:[0-9a-f]{64}");
        assertThat(agent.tags()).containsExactly("staging-abc1234");
        // Pushed with the scheme's tag and the fingerprint tag.
        assertThat(cloud.artifactRegistry.digestOf(agent.repository(), "staging-abc1234")).contains(agent.digest());
        assertThat(cloud.artifactRegistry.digestOf(agent.repository(), request("agent", "tree1-agent", "x").fingerprintTag()))
                .contains(agent.digest());
        // All seven share the context ".": one archive, uploaded once, is every build's source.
        assertThat(uploader.objects()).hasSize(1);
        assertThat(cloud.cloudBuild.submitted()).extracting(b -> "gs://" + b.getSource().getStorageSource().getBucket() + "/"
                + b.getSource().getStorageSource().getObject()).containsOnly(uploader.objects().keySet().iterator().next());
    }

    @Test
    void eachDistinctContextGoesUpOnceUnderItsContentsHash() throws Exception {
        ImageBuildRequest agent = new ImageBuildRequest("agent", Fixtures.staging().registry(), "agent-service", "services/agent",
                "services/agent/Dockerfile", Map.of(), "tree1-agent", List.of("staging-abc1234"));
        List<ImageBuildRequest> requests = new java.util.ArrayList<>(all("tree1-", "staging-abc1234").subList(1, 3));
        requests.add(agent);

        stage(Duration.ofSeconds(10)).run(requests);

        assertThat(uploader.objects()).as("the repository's archive and agent's own").hasSize(2)
                .allSatisfy((object, archive) -> assertThat(object).endsWith("/mm-deploy/context-" + sha256(archive) + ".tgz"));
        assertThat(log.text()).contains("the archive already uploaded for another service");
    }

    static String sha256(byte[] bytes) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void submitsOneDockerStepWithDockerfileBuildArgsAndAllTags() throws Exception {
        stage(Duration.ofSeconds(10)).run(List.of(request("agent", "tree1-agent", "staging-abc1234")));

        Build build = cloud.cloudBuild.submitted().get(0);
        String repository = "us-east4-docker.pkg.dev/mindmirror-staging/mindmirror/agent-service";
        String fpTag = request("agent", "tree1-agent", "x").fingerprintTag();
        assertThat(build.getProjectId()).isEqualTo(Fixtures.PROJECT);
        assertThat(build.getSource().getStorageSource().getBucket()).isEqualTo("mindmirror-staging_cloudbuild");
        assertThat(uploader.objects()).containsKey("gs://mindmirror-staging_cloudbuild/" + build.getSource().getStorageSource().getObject());
        assertThat(build.getSteps(0).getName()).isEqualTo("gcr.io/cloud-builders/docker");
        assertThat(build.getSteps(0).getArgsList()).containsSubsequence("-f", "services/agent/Dockerfile")
                .containsSubsequence("--build-arg", "PYTHON_VERSION=3.12")
                .contains("-t", repository + ":staging-abc1234", repository + ":" + fpTag)
                .endsWith(".");
        assertThat(build.getImagesList()).containsExactly(repository + ":staging-abc1234", repository + ":" + fpTag);
        assertThat(build.getTimeout().getSeconds()).isEqualTo(10);
        assertThat(build.getSteps(0).getArgsList()).doesNotContain("--cache-from");
    }

    @Test
    void theEnvironmentsBuilderTakesLayersFromItsLastDeployedImage() throws Exception {
        cloud.storage.addBucket("mindmirror-staging_cloudbuild", "1234567890");
        try (var clients = cloud.clients(Fixtures.PROJECT, Duration.ofSeconds(10))) {
            CloudBuildImageBuilder builder = CloudBuildImageBuilder.forEnvironment(clients, Fixtures.staging(), new LocalWorkspace(repo), null,
                    Duration.ofSeconds(10));
            new BuildImages(builder, new ImageCatalog(clients.artifactRegistry()), new ParallelRunner(1), log.stage(BuildImages.STAGE))
                    .run(List.of(request("agent", "tree1-agent", "staging-abc1234")));
        }

        Build build = cloud.cloudBuild.submitted().get(0);
        String repository = "us-east4-docker.pkg.dev/mindmirror-staging/mindmirror/agent-service";
        assertThat(build.getSteps(0).getArgsList()).containsSubsequence("--cache-from", repository + ":staging-latest")
                .containsSubsequence("--build-arg", "BUILDKIT_INLINE_CACHE=1").endsWith(".");
        assertThat(build.getSteps(0).getEnvList()).contains("DOCKER_BUILDKIT=1");
    }

    @Test
    void unchangedFingerprintReusesTheImageAndOnlyAddsTheNewTags() throws Exception {
        List<ImageRef> first = stage(Duration.ofSeconds(10)).run(all("tree1-", "staging-abc1234"));
        List<ImageBuildRequest> second = Fixtures.SERVICES.stream()
                .map(s -> request(s, s.equals("meals") ? "tree2-meals" : "tree1-" + s, "staging-def5678"))
                .toList();

        List<ImageRef> images = stage(Duration.ofSeconds(10)).run(second);

        assertThat(cloud.cloudBuild.submitted()).hasSize(8);
        assertThat(images.stream().filter(ImageRef::built).map(ImageRef::service)).containsExactly("meals");
        ImageRef agent = images.get(0);
        assertThat(agent.built()).isFalse();
        assertThat(agent.digest()).isEqualTo(first.get(0).digest());
        assertThat(cloud.artifactRegistry.digestOf(agent.repository(), "staging-def5678")).contains(agent.digest());
        assertThat(log.text()).contains("1 built, 6 reused");
    }

    @Test
    void aFailedBuildNamesServiceBuildAndLogButTheOthersStillFinish() {
        cloud.cloudBuild.outcome(Fixtures.staging().registry().image("habits-service"), FakeCloudBuild.Outcome.STEP_FAILURE);

        assertThatThrownBy(() -> stage(Duration.ofSeconds(10)).run(all("tree1-", "staging-abc1234")))
                .isInstanceOfSatisfying(DeployException.class, e -> {
                    assertThat(e.diagnostics()).hasSize(1);
                    assertThat(e.diagnostics().get(0).summary()).isEqualTo("Image build for habits failure");
                    assertThat(e.diagnostics().get(0).detail()).contains("step exited with non-zero status: 1")
                            .contains("https://console.cloud.google.com/cloud-build/builds/");
                });
        assertThat(cloud.artifactRegistry.digestOf(Fixtures.staging().registry().image("agent-service"), "staging-abc1234")).isPresent();
    }

    @Test
    void aFailedPushIsReportedAsAPushFailure() {
        cloud.cloudBuild.outcome(Fixtures.staging().registry().image("agent-service"), FakeCloudBuild.Outcome.PUSH_FAILURE);

        assertThatThrownBy(() -> stage(Duration.ofSeconds(10)).run(List.of(request("agent", "t", "staging-1"))))
                .isInstanceOfSatisfying(DeployException.class, e -> {
                    assertThat(e.diagnostics().get(0).summary()).isEqualTo("Push of the image of agent failed");
                    assertThat(e.diagnostics().get(0).detail()).contains("uploadArtifacts").contains("roles/artifactregistry.writer");
                });
    }

    @Test
    void aSuccessWithoutDigestIsNotTakenForAnImage() {
        cloud.cloudBuild.outcome(Fixtures.staging().registry().image("agent-service"), FakeCloudBuild.Outcome.NO_DIGEST);

        assertThatThrownBy(() -> stage(Duration.ofSeconds(10)).run(List.of(request("agent", "t", "staging-1"))))
                .hasMessageContaining("No pushed digest for agent");
    }

    @Test
    void aBuildThatOutlivesItsTimeoutIsCancelled() {
        cloud.cloudBuild.outcome(Fixtures.staging().registry().image("agent-service"), FakeCloudBuild.Outcome.HANG);

        assertThatThrownBy(() -> stage(Duration.ofMillis(300)).run(List.of(request("agent", "t", "staging-1"))))
                .isInstanceOfSatisfying(DeployException.class, e ->
                        assertThat(e.diagnostics().get(0).summary()).startsWith("Image build for agent timed out"));
        Build build = cloud.cloudBuild.submitted().get(0);
        assertThat(cloud.cloudBuild.build(build.getId()).getStatus()).isEqualTo(Build.Status.CANCELLED);
    }

    @Test
    void permissionDeniedOnSubmitNamesTheRole() {
        cloud.faults.failNext(CloudBuildGrpc.getCreateBuildMethod(), Status.PERMISSION_DENIED.withDescription(
                "The caller does not have permission"), 1);

        assertThatThrownBy(() -> stage(Duration.ofSeconds(10)).run(List.of(request("agent", "t", "staging-1"))))
                .hasMessageContaining("PERMISSION_DENIED")
                .hasMessageContaining("roles/cloudbuild.builds.editor");
    }

    @Test
    void theAliasMovesOnlyWhenAskedAfterSuccess() throws Exception {
        BuildImages stage = stage(Duration.ofSeconds(10));
        List<ImageRef> first = stage.run(List.of(request("agent", "t1", "staging-1")));
        assertThat(cloud.artifactRegistry.digestOf(first.get(0).repository(), "staging-latest")).isEmpty();

        stage.moveAlias(first, "staging-latest");
        assertThat(cloud.artifactRegistry.digestOf(first.get(0).repository(), "staging-latest")).contains(first.get(0).digest());

        List<ImageRef> second = stage.run(List.of(request("agent", "t2", "staging-2")));
        assertThat(second.get(0).digest()).isNotEqualTo(first.get(0).digest());
        stage.moveAlias(second, "staging-latest");
        assertThat(cloud.artifactRegistry.digestOf(first.get(0).repository(), "staging-latest")).contains(second.get(0).digest());
    }

    @Test
    void aDockerfileOutsideTheContextIsRefusedBeforeAnyUpload() {
        ImageBuildRequest outside = new ImageBuildRequest("mesh", Fixtures.staging().registry(), "mesh-gateway", "mesh",
                "services/agent/Dockerfile", Map.of(), "fp", List.of("staging-1"));

        assertThatThrownBy(() -> stage(Duration.ofSeconds(10)).run(List.of(outside)))
                .hasMessageContaining("outside its build context");
        assertThat(uploader.objects()).isEmpty();
        assertThat(cloud.cloudBuild.submitted()).isEmpty();
    }

    @Test
    void anInterruptedRunCancelsTheCloudBuildItStarted() throws Exception {
        cloud.cloudBuild.outcome("us-east4-docker.pkg.dev/mindmirror-staging/mindmirror/agent-service", FakeCloudBuild.Outcome.HANG);
        CloudBuildImageBuilder builder = new CloudBuildImageBuilder(clients.cloudBuild(), uploader, new LocalWorkspace(repo), Fixtures.PROJECT,
                Fixtures.REGION, "mindmirror-staging_cloudbuild", Duration.ofMinutes(10));
        java.util.concurrent.atomic.AtomicReference<Throwable> ended = new java.util.concurrent.atomic.AtomicReference<>();
        Thread run = new Thread(() -> {
            try {
                builder.build(request("agent", "tree1-agent", "staging-abc1234"), List.of("staging-abc1234"), log.stage(BuildImages.STAGE));
            } catch (Throwable t) {
                ended.set(t);
            }
        });
        run.start();
        // Once it logged the build as started, the builder knows the build's id: the build it started is one it can cancel.
        while (log.lines().stream().noneMatch(l -> l.contains("Cloud Build") && l.contains(" started"))) {
            Thread.sleep(20);
        }
        run.interrupt(); // what Jenkins does to a step's thread when the build is aborted
        run.join();

        assertThat(ended.get()).isInstanceOf(InterruptedException.class);
        String id = cloud.cloudBuild.submitted().get(0).getId();
        assertThat(cloud.cloudBuild.build(id).getStatus()).isEqualTo(Build.Status.CANCELLED);
        assertThat(log.lines()).anyMatch(l -> l.contains("Cloud Build " + id + " cancelled"));
    }
}
