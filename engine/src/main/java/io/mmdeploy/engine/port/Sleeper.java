package io.mmdeploy.engine.port;

import java.time.Duration;

/** Waits between retries; tests inject one that only records. */
@FunctionalInterface
public interface Sleeper {
    void sleep(Duration duration) throws InterruptedException;

    static Sleeper real() {
        return d -> Thread.sleep(d.toMillis());
    }
}
