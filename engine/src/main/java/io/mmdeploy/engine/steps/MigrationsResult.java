package io.mmdeploy.engine.steps;

import io.mmdeploy.engine.release.ReleaseRecord.MigrationRun;
import java.util.List;

/**
 * mmRunMigrations' result (all succeeded: a failed one throws, and is recorded in the run).
 *
 * @param skipped they already ran in this run with the same images
 */
public record MigrationsResult(List<MigrationRun> executions, boolean skipped) {
    public MigrationsResult {
        executions = List.copyOf(executions);
    }
}
