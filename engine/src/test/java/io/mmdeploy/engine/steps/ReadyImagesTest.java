package io.mmdeploy.engine.steps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mmdeploy.engine.diagnostics.DeployException;
import io.mmdeploy.engine.images.ImageRef;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ReadyImagesTest {
    static final String DIGEST = "sha256:" + "a".repeat(64);
    final ReadyImages ready = new ReadyImages();

    static ImageRef image(String service) {
        return new ImageRef(service, "us-east4-docker.pkg.dev/p/r/" + service, List.of("t"), DIGEST, true);
    }

    @Test
    void aMigrationWaitsForItsOwnImageOnly() throws Exception {
        CompletableFuture<ImageRef> habits = CompletableFuture.supplyAsync(() -> {
            try {
                return ready.await("habits");
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        ready.ready(image("users"));
        assertThat(ready.await("users").service()).isEqualTo("users");
        assertThat(habits).isNotDone();

        ready.ready(image("habits"));

        assertThat(habits.get(5, TimeUnit.SECONDS).service()).isEqualTo("habits");
    }

    @Test
    void onceTheBuildsEndedAServiceTheyDidNotMakeHasNoImage() throws Exception {
        ready.ready(image("users"));
        ready.buildsEnded();
        ready.stopped("services-plan failed");

        assertThat(ready.await("users")).isNotNull();
        assertThat(ready.await("habits")).isNull();
    }

    @Test
    void aStoppedRunStartsNoMigrationThatStillWaitsNorAnyThatAsksLater() {
        CompletableFuture<ImageRef> waiting = CompletableFuture.supplyAsync(() -> {
            try {
                return ready.await("habits");
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        ready.failed("build-images");
        ready.ready(image("habits"));

        assertThatThrownBy(() -> waiting.get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(DeployException.class)
                .hasMessageContaining("Migration not started: build-images failed");
        assertThatThrownBy(() -> ready.await("users")).isInstanceOf(DeployException.class).hasMessageContaining("build-images failed");
    }

    /**
     * The phase that failed first is the cause the release is recorded with, even when the migration it stopped reports
     * its own failure first (a race seen once in 80 runs of the fault matrix before the run asked this).
     */
    @Test
    void theFirstPhaseToFailStaysTheCauseOfTheMigrationsItStopped() {
        ready.failed("build-images");
        assertThatThrownBy(() -> ready.await("users")).hasMessageContaining("Migration not started: build-images failed");
        ready.failed("migrations");

        assertThat(ready.failedFirst()).isEqualTo("build-images");
        assertThat(DeployRun.causeFirst("migrations", "build-images", ready.failedFirst())).isTrue();
        assertThat(DeployRun.causeFirst("build-images", "migrations", ready.failedFirst())).isFalse();
    }

    @Test
    void aRunStoppedAtAGateHasNoFailedPhase() {
        ready.stopped("the run stopped at the services gate");
        ready.failed("migrations");
        assertThat(ready.failedFirst()).isNull();
        assertThat(DeployRun.causeFirst("services-plan", "migrations", ready.failedFirst())).isFalse();
    }
}
