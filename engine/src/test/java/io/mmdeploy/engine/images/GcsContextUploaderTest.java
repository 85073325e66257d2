package io.mmdeploy.engine.images;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.cloud.NoCredentials;
import com.google.cloud.ServiceOptions;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageOptions;
import io.mmdeploy.engine.gcp.fake.FakeStorageServer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real google-cloud-storage client against a loopback Storage JSON server. */
class GcsContextUploaderTest {
    @TempDir
    Path dir;

    FakeStorageServer server;
    Storage storage;

    @BeforeEach
    void start() throws Exception {
        server = new FakeStorageServer();
        storage = StorageOptions.newBuilder()
                .setProjectId("mindmirror-staging")
                .setHost(server.host())
                .setCredentials(NoCredentials.getInstance())
                .setRetrySettings(ServiceOptions.getNoRetrySettings())
                .build()
                .getService();
    }

    @AfterEach
    void stop() throws Exception {
        storage.close();
        server.close();
    }

    @Test
    void createsTheStagingBucketInTheEnvironmentsProjectAndUploads() throws Exception {
        Path archive = dir.resolve("ctx.tgz");
        Files.write(archive, new byte[] {31, -117, 8, 0, 1, 2, 3});

        new GcsContextUploader(storage, "mindmirror-staging", "1234567890").upload("mindmirror-staging_cloudbuild", "mm-deploy/agent-fp-1.tgz", archive);

        assertThat(server.bucketProjects()).containsEntry("mindmirror-staging_cloudbuild", "mindmirror-staging");
        assertThat(server.objects()).containsKey("mindmirror-staging_cloudbuild/mm-deploy/agent-fp-1.tgz");
        assertThat(server.objects().get("mindmirror-staging_cloudbuild/mm-deploy/agent-fp-1.tgz")).isEqualTo(Files.readAllBytes(archive));
    }

    @Test
    void anExistingBucketIsUsedAsItIs() throws Exception {
        server.addBucket("b", "1234567890");
        Path archive = dir.resolve("ctx.tgz");
        Files.writeString(archive, "data");

        new GcsContextUploader(storage, "mindmirror-staging", "1234567890").upload("b", "o.tgz", archive);

        assertThat(server.requests()).noneMatch(r -> r.startsWith("POST /storage/v1/b?"));
        assertThat(server.objects()).containsKey("b/o.tgz");
    }

    @Test
    void aBucketOfAnotherProjectIsRefused() throws Exception {
        server.addBucket("mindmirror-staging_cloudbuild", "3858903851");
        Path archive = dir.resolve("ctx.tgz");
        Files.writeString(archive, "data");

        assertThatThrownBy(() -> new GcsContextUploader(storage, "mindmirror-staging", "1234567890")
                .upload("mindmirror-staging_cloudbuild", "o.tgz", archive))
                .hasMessageContaining("belongs to another project")
                .hasMessageContaining("3858903851");
        assertThat(server.objects()).isEmpty();
    }

    @Test
    void concurrentUploadsShareTheBucketOneOfThemCreated() throws Exception {
        Path archive = dir.resolve("ctx.tgz");
        Files.writeString(archive, "data");
        GcsContextUploader uploader = new GcsContextUploader(storage, "mindmirror-staging", "1234567890");
        java.util.List<Thread> threads = new java.util.ArrayList<>();
        java.util.List<Throwable> failures = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        for (int i = 0; i < 6; i++) {
            int n = i;
            Thread t = new Thread(() -> {
                try {
                    uploader.upload("shared", "o" + n + ".tgz", archive);
                } catch (Throwable e) {
                    failures.add(e);
                }
            });
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) {
            t.join();
        }
        assertThat(failures).isEmpty();
        assertThat(server.objects()).hasSize(6);
    }

    @Test
    void aDeniedUploadNamesTheBucketAndTheRole() throws Exception {
        Path archive = dir.resolve("ctx.tgz");
        Files.writeString(archive, "data");
        server.deny(403);

        assertThatThrownBy(() -> new GcsContextUploader(storage, "mindmirror-staging", "1234567890").upload("b", "o.tgz", archive))
                .hasMessageContaining("Cannot upload the build context to gs://b/o.tgz")
                .hasMessageContaining("HTTP 403")
                .hasMessageContaining("roles/storage.admin");
    }
}
