package io.mmdeploy.engine.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * How a deployed service proves it is alive: {@code GET <url><path>} until it answers healthy, for as long as
 * {@code attempts} tries {@code delay} apart would take (seed 002: 3 tries, 10 s apart), polling fast first
 * ({@link #waits}). A service without HTTP (a worker: {@code kind: ready}) proves it by its serving revision being
 * Ready in Cloud Run with its containers started, asked of the Cloud Run API with the same tries; no request is sent.
 */
public record HealthSpec(String path, int attempts, Duration delay, Kind kind) {
    /** How health is asked: an HTTP request, or Cloud Run's Ready condition of the revision. */
    public enum Kind {
        HTTP("http"),
        READY("ready");

        private final String id;

        Kind(String id) {
            this.id = id;
        }

        public String id() {
            return id;
        }
    }

    public static final String DEFAULT_PATH = "/health";
    public static final int DEFAULT_ATTEMPTS = 3;
    public static final Duration DEFAULT_DELAY = Duration.ofSeconds(10);

    /** The first wait after an unhealthy answer: a revision that is just starting is seen within about a second. */
    static final Duration FIRST_WAIT = Duration.ofMillis(500);

    /** An HTTP health check. */
    public HealthSpec(String path, int attempts, Duration delay) {
        this(path, attempts, delay, Kind.HTTP);
    }

    public static HealthSpec defaults() {
        return new HealthSpec(DEFAULT_PATH, DEFAULT_ATTEMPTS, DEFAULT_DELAY);
    }

    /** Whether the service answers HTTP: it has a URL for the gateway and the URLs secret, and may have smoke tests. */
    public boolean http() {
        return kind != Kind.READY;
    }

    /**
     * The waits between attempts: short first, doubling up to {@code delay}, within the budget of
     * {@code attempts × delay}, so a healthy service is seen at once and a slow one gets as long as before.
     */
    public List<Duration> waits() {
        int tries = Math.max(1, attempts);
        if (delay == null || delay.isZero() || delay.isNegative()) {
            return java.util.Collections.nCopies(tries - 1, Duration.ZERO);
        }
        Duration budget = delay.multipliedBy(tries);
        List<Duration> waits = new ArrayList<>();
        Duration spent = Duration.ZERO;
        Duration next = FIRST_WAIT.compareTo(delay) < 0 ? FIRST_WAIT : delay;
        while (spent.compareTo(budget) < 0) {
            Duration wait = next.compareTo(budget.minus(spent)) <= 0 ? next : budget.minus(spent);
            waits.add(wait);
            spent = spent.plus(wait);
            next = next.multipliedBy(2).compareTo(delay) < 0 ? next.multipliedBy(2) : delay;
        }
        return List.copyOf(waits);
    }
}
