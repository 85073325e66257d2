package io.mmdeploy.engine.images;

import java.nio.file.Path;

/** Puts a build-context archive where Cloud Build can fetch it (a Cloud Storage object). */
public interface ContextUploader {

    /** Uploads the file as {@code gs://bucket/object}, creating the bucket in the project when missing. */
    void upload(String bucket, String object, Path file) throws InterruptedException;
}
