package io.mmdeploy.engine.config;

import java.time.Duration;

/**
 * A database migration, run as a Cloud Run Job before traffic moves.
 *
 * @param job the Cloud Run Job name (e.g. {@code migrate-main}); the environment's suffix is appended
 * @param database what it migrates, for the record (e.g. {@code main})
 * @param service the service whose freshly built image the job runs
 * @param timeout how long one execution may take before the deploy fails
 * @param compatibleWithPrevious the migration only expands the schema (adds, never drops or renames), so the code of
 *     the release before it still runs on it: a rollback or an automatic revert may go back past it
 */
public record MigrationSpec(String job, String database, String service, Duration timeout, boolean compatibleWithPrevious) {
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(10);

    public MigrationSpec(String job, String database, String service, Duration timeout) {
        this(job, database, service, timeout, false);
    }

    public String cloudRunJob(EnvironmentSpec environment) {
        return job + environment.serviceNameSuffix();
    }
}
