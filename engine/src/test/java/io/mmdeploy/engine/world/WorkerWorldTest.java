package io.mmdeploy.engine.world;

import static org.assertj.core.api.Assertions.assertThat;

import io.mmdeploy.engine.release.ReleaseRecord;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The example's celery worker (health kind: ready) deploys like every service (built, applied, recorded, aliased)
 * without one HTTP request reaching it, and without a URL in the URLs secret.
 */
class WorkerWorldTest {
    static final String ENV = "staging";

    @TempDir
    Path dir;
    DeployWorld world;

    @BeforeEach
    void start() throws Exception {
        world = DeployWorld.start(dir, ENV);
    }

    @AfterEach
    void stop() {
        world.close();
    }

    @Test
    void aWorkerDeploysWithoutAnyHttpCall() throws Exception {
        world.checkout("cli:ana@laptop").deploy(ENV);
        world.commit("services/celery-worker/app/tasks.py", "print('worker v2')\n", "worker: v2");
        int revisions = world.revisionCount(ENV, "celery-worker");

        world.checkout("cli:bo@desk").deploy(ENV);

        ReleaseRecord record = world.assertConverged(ENV);
        assertThat(world.revisionCount(ENV, "celery-worker")).as("the worker got its new revision").isEqualTo(revisions + 1);
        assertThat(record.serving("celery-worker").orElseThrow().revision()).isEqualTo(
                world.cloud.cloudRun.servingRevision(world.serviceName(world.env(ENV), "celery-worker")));
        assertThat(world.requestsTo("celery-worker-staging")).as("HTTP requests to the worker").isZero();
        assertThat(world.requestsTo("agent-service-staging")).as("the services are asked over HTTP").isPositive();
        assertThat(world.urlsSecretVersions(ENV).get(world.urlsSecretVersions(ENV).size() - 1)).doesNotContain("celery");
        world.assertNoSecretLeaked();
    }
}
