package io.mmdeploy.engine.health;

/**
 * Whether a service without HTTP (a worker, health {@code kind: ready}) is up: asked of the platform, not of the
 * service. {@link CloudRunReadiness} asks Cloud Run.
 */
@FunctionalInterface
public interface Readiness {
    /** Never asked: for hosts whose targets all answer HTTP. */
    Readiness NONE = target -> {
        throw new IllegalStateException("no readiness check for " + target.name());
    };

    /** @return empty when the target's revision is ready, else why not in a few words */
    String notReady(HealthTarget target);
}
