package io.mmdeploy.engine.release;

import java.util.List;

/**
 * What a person asked to roll back to.
 *
 * @param to {@link #PREVIOUS}, a release id, or (with a service) a revision of that service
 * @param service one service (or the gateway) to move alone; null moves every service and the gateway
 * @param force roll back even across a migration that ran after the target
 * @param revert set when a deploy in progress moves its own traffic back after a failed health check: the target is
 *     what was live when it started, so only the migrations this run made can stand between them; null for a rollback
 */
public record RollbackRequest(String to, String service, boolean force, Revert revert) {
    public static final String PREVIOUS = "previous";

    public RollbackRequest {
        to = to == null || to.isBlank() ? PREVIOUS : to;
    }

    public RollbackRequest(String to, String service, boolean force) {
        this(to, service, force, null);
    }

    /**
     * The deploy that reverts itself.
     *
     * @param release its release id
     * @param baseline the release live when it started
     * @param migrations the migration executions it made so far (not in the history yet: its record is in progress)
     */
    public record Revert(String release, String baseline, List<ReleaseRecord.MigrationRun> migrations) {
        public Revert {
            migrations = List.copyOf(migrations);
        }
    }
}
