package io.mmdeploy.engine.migrations;

/**
 * How one migration job's execution ended.
 *
 * @param job the Cloud Run Job's short name (with the environment's suffix)
 * @param execution the execution's short name
 * @param image the image reference the job ran ({@code repo@sha256:…})
 * @param succeededTasks tasks that completed
 * @param failedTasks tasks that failed (after their retries)
 * @param logUri the Cloud Logging link of the execution
 */
public record MigrationResult(String job, String execution, String image, int succeededTasks, int failedTasks, String logUri) {
    public static final String SUCCEEDED = "SUCCEEDED";
}
