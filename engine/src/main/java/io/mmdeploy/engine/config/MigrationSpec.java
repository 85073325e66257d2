package io.mmdeploy.engine.config;

import java.time.Duration;

/**
 * A database migration, run as a Cloud Run Job before traffic moves.
 *
 * @param job the Cloud Run Job name (e.g. {@code migrate-main}); the environment's suffix is appended
 * @param database what it migrates, for the record (e.g. {@code main})
 * @param service the service whose freshly built image the job runs
 * @param timeout how long one execution may take before the deploy fails
 */
public record MigrationSpec(String job, String database, String service, Duration timeout) {
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(10);

    public String cloudRunJob(EnvironmentSpec environment) {
        return job + environment.serviceNameSuffix();
    }
}
