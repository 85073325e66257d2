package io.mmdeploy.engine.images;

import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.BucketInfo;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageException;
import io.mmdeploy.engine.diagnostics.DeployException;
import java.io.IOException;
import java.nio.file.Path;

/** {@link ContextUploader} on Cloud Storage, through the google-cloud-storage client of the environment's project. */
public final class GcsContextUploader implements ContextUploader {
    private final Storage storage;
    private final String projectId;

    public GcsContextUploader(Storage storage, String projectId) {
        this.storage = storage;
        this.projectId = projectId;
    }

    @Override
    public void upload(String bucket, String object, Path file) {
        try {
            if (storage.get(bucket) == null) {
                // Created in the environment's own project (the Storage client's project), never another one.
                storage.create(BucketInfo.newBuilder(bucket).build());
            }
            storage.createFrom(BlobInfo.newBuilder(BlobId.of(bucket, object)).setContentType("application/gzip").build(), file);
        } catch (StorageException e) {
            String hint = e.getCode() == 403
                    ? "Grant the deployer roles/storage.admin on the bucket, or on project " + projectId + " to create it."
                    : "Check that the bucket name is free and belongs to project " + projectId + ".";
            throw DeployException.of("Cannot upload the build context to gs://" + bucket + "/" + object,
                    "HTTP " + e.getCode() + ": " + e.getMessage() + "\n" + hint);
        } catch (IOException e) {
            throw DeployException.of("Cannot read the build-context archive " + file, e.getMessage());
        }
    }
}
