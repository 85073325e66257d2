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
 * @param result {@link #SUCCEEDED}, {@link #FAILED}, {@link #CANCELLED} or {@link #TIMED_OUT}: an execution that did not
 *     succeed may still have changed the schema, so it is recorded all the same
 */
public record MigrationResult(String job, String execution, String image, int succeededTasks, int failedTasks, String logUri,
        String result) {
    public static final String SUCCEEDED = "SUCCEEDED";
    public static final String FAILED = "FAILED";
    public static final String CANCELLED = "CANCELLED";
    public static final String TIMED_OUT = "TIMED_OUT";

    public boolean succeeded() {
        return SUCCEEDED.equals(result);
    }
}
