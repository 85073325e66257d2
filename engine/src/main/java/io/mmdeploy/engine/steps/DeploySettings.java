package io.mmdeploy.engine.steps;

import java.time.Duration;

/**
 * The limits of one host's runs, in one place for the plugin, the CLI and rollback.
 *
 * @param buildTimeout the longest one image build may take
 * @param apiWait the longest a Google operation (traffic, secrets, records) is waited for
 * @param maxParallelBuilds builds at once
 * @param leaseWait how long a run waits for another run's lease on the environment before it fails naming the holder
 * @param breakLease break a stale lease (its holder is named in the log) instead of refusing
 * @param contextBucket where Cloud Build contexts are staged; null for {@code <project>_cloudbuild}
 */
public record DeploySettings(Duration buildTimeout, Duration apiWait, int maxParallelBuilds, Duration leaseWait, boolean breakLease,
        String contextBucket) {
    public static DeploySettings defaults() {
        return new DeploySettings(Duration.ofMinutes(20), Duration.ofMinutes(2), 8, Duration.ofMinutes(10), false, null);
    }

    public DeploySettings withLeaseWait(Duration wait) {
        return new DeploySettings(buildTimeout, apiWait, maxParallelBuilds, wait, breakLease, contextBucket);
    }

    public DeploySettings withBreakLease(boolean breakIt) {
        return new DeploySettings(buildTimeout, apiWait, maxParallelBuilds, leaseWait, breakIt, contextBucket);
    }

    /** The builds' limits and staging bucket (the CLI's --build-timeout-minutes, --max-parallel, --bucket). */
    public DeploySettings withBuilds(Duration timeout, int parallel, String bucket) {
        return new DeploySettings(timeout, apiWait, parallel, leaseWait, breakLease, bucket);
    }
}
