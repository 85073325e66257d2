package io.mmdeploy.engine.images;

import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.Bucket;
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
    private final String projectNumber;

    /**
     * @param projectNumber the environment's project number; a bucket of that name owned by another project is refused
     */
    public GcsContextUploader(Storage storage, String projectId, String projectNumber) {
        this.storage = storage;
        this.projectId = projectId;
        this.projectNumber = projectNumber;
    }

    @Override
    public void upload(String bucket, String object, Path file) {
        try {
            ensureBucket(bucket);
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

    private void ensureBucket(String bucket) {
        Bucket found = storage.get(bucket);
        if (found == null) {
            try {
                // Created in the environment's own project (the Storage client's project), never another one.
                found = storage.create(BucketInfo.newBuilder(bucket).build());
            } catch (StorageException e) {
                if (e.getCode() != 409) {
                    throw e;
                }
                // Another build of this run created it a moment ago (or another project owns the name: checked below).
                found = storage.get(bucket);
            }
        }
        if (found != null && found.getProject() != null && projectNumber != null
                && !found.getProject().toString().equals(projectNumber)) {
            throw DeployException.of("The staging bucket gs://" + bucket + " belongs to another project",
                    "It is owned by project number " + found.getProject() + ", not " + projectId + " (" + projectNumber
                            + "). Build contexts never leave the environment's project: give another bucket (--bucket).");
        }
    }
}
