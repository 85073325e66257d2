package io.mmdeploy.engine.release;

/**
 * What a person asked to roll back to.
 *
 * @param to {@link #PREVIOUS}, a release id, or (with a service) a revision of that service
 * @param service one service (or the gateway) to move alone; null moves every service and the gateway
 * @param force roll back even across a migration that ran after the target
 */
public record RollbackRequest(String to, String service, boolean force) {
    public static final String PREVIOUS = "previous";

    public RollbackRequest {
        to = to == null || to.isBlank() ? PREVIOUS : to;
    }
}
