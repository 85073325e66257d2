package io.mmdeploy.engine.steps;

import io.mmdeploy.engine.release.ReleaseRecord;

/**
 * mmRelease's result.
 *
 * @param record the record stored (also written to {@value DeploySteps#RECORD_FILE} for archiving); null for the
 *     start of a rollback, which records itself
 */
public record ReleaseResult(String release, ReleaseRecord record) {}
