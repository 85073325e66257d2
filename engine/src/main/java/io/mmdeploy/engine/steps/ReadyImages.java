package io.mmdeploy.engine.steps;

import io.mmdeploy.engine.diagnostics.DeployException;
import io.mmdeploy.engine.images.ImageRef;
import io.mmdeploy.engine.migrations.MigrationImages;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * This run's images as each becomes ready, within one process: the builds tell it, and a migration waits here for its
 * own service's image only. Once the builds have ended, or the run has stopped, nobody waits any longer.
 */
final class ReadyImages implements MigrationImages {
    private final Map<String, CompletableFuture<ImageRef>> byService = new HashMap<>();
    /** Null while the builds run; then empty when they succeeded, or why the run stopped. */
    private String ended;
    private String failedFirst;

    /** A build pushed (or reused) this image. */
    void ready(ImageRef image) {
        future(image.service()).complete(image);
    }

    /** The builds succeeded: a service they did not make has no image in this run. */
    void buildsEnded() {
        end("");
    }

    /** The run stopped (at a gate, or at its end): a migration still waiting for its image does not start. */
    void stopped(String why) {
        end(why);
    }

    /** A phase failed: as {@link #stopped}; the first phase to fail is kept, as the cause of what fails after it. */
    synchronized void failed(String phase) {
        if (ended == null) {
            failedFirst = phase;
        }
        end(phase + " failed");
    }

    /** The phase whose failure stopped the waiting migrations first; null when none did. */
    synchronized String failedFirst() {
        return failedFirst;
    }

    @Override
    public ImageRef await(String service) throws InterruptedException {
        try {
            return future(service).get();
        } catch (ExecutionException e) {
            throw (DeployException) e.getCause();
        }
    }

    private synchronized void end(String why) {
        if (ended == null) {
            ended = why;
        }
        byService.values().forEach(this::settle);
    }

    private synchronized CompletableFuture<ImageRef> future(String service) {
        CompletableFuture<ImageRef> image = byService.computeIfAbsent(service, s -> new CompletableFuture<>());
        if (ended != null) {
            settle(image);
        }
        return image;
    }

    private void settle(CompletableFuture<ImageRef> image) {
        if (ended.isEmpty()) {
            image.complete(null);
        } else {
            image.completeExceptionally(DeployException.of("Migration not started: " + ended,
                    "A migration runs only with its own service's image of this run, once that image is ready; this one was not"
                            + " started and changed nothing."));
        }
    }
}
