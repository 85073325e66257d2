package io.mmdeploy.engine.onboard;

import io.mmdeploy.engine.gcp.GoogleClients;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** A fresh {@link OnboardCloud} and real clients on it for each test. */
abstract class OnboardTest {
    @TempDir
    Path dir;

    OnboardCloud world;
    GoogleClients clients;

    @BeforeEach
    void start() throws Exception {
        world = new OnboardCloud(dir);
        clients = world.clients();
    }

    @AfterEach
    void stop() {
        clients.close();
        world.close();
    }
}
