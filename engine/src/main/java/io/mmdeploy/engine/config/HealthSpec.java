package io.mmdeploy.engine.config;

import java.time.Duration;

/**
 * How a deployed service proves it is alive: {@code GET <url><path>} until it answers healthy, at most
 * {@code attempts} times, {@code delay} apart (seed 002: 3 tries, 10 s apart).
 */
public record HealthSpec(String path, int attempts, Duration delay) {
    public static final String DEFAULT_PATH = "/health";
    public static final int DEFAULT_ATTEMPTS = 3;
    public static final Duration DEFAULT_DELAY = Duration.ofSeconds(10);

    public static HealthSpec defaults() {
        return new HealthSpec(DEFAULT_PATH, DEFAULT_ATTEMPTS, DEFAULT_DELAY);
    }
}
