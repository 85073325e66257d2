package io.mmdeploy.engine.tofu;

import java.time.Duration;
import java.util.Objects;

/**
 * How the tofu CLI is run.
 *
 * @param binary the program: {@code tofu} by default, {@code terraform} accepted, or a path to either
 * @param lockTimeout how long a command waits for the state lock ({@code -lock-timeout}); zero fails at once
 * @param commandTimeout how long one command may run before it is killed; null for no limit
 */
public record TofuSettings(String binary, Duration lockTimeout, Duration commandTimeout) {
    public static final String DEFAULT_BINARY = "tofu";
    public static final Duration DEFAULT_LOCK_TIMEOUT = Duration.ofMinutes(2);
    public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofMinutes(60);

    public TofuSettings {
        binary = binary == null || binary.isBlank() ? DEFAULT_BINARY : binary;
        lockTimeout = Objects.requireNonNullElse(lockTimeout, DEFAULT_LOCK_TIMEOUT);
        if (lockTimeout.isNegative()) {
            throw new IllegalArgumentException("lockTimeout is negative");
        }
    }

    public static TofuSettings defaults() {
        return new TofuSettings(DEFAULT_BINARY, DEFAULT_LOCK_TIMEOUT, DEFAULT_COMMAND_TIMEOUT);
    }

    /** The lock timeout in Go duration syntax ({@code 30s}, {@code 500ms}), as {@code -lock-timeout} takes it. */
    String lockTimeoutText() {
        long millis = lockTimeout.toMillis();
        return millis % 1000 == 0 ? (millis / 1000) + "s" : millis + "ms";
    }

    String lockTimeoutFlag() {
        return "-lock-timeout=" + lockTimeoutText();
    }
}
