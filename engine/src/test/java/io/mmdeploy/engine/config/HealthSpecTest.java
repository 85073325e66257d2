package io.mmdeploy.engine.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class HealthSpecTest {
    static Duration total(List<Duration> waits) {
        return waits.stream().reduce(Duration.ZERO, Duration::plus);
    }

    @Test
    void pollsFastFirstThenAtTheDelayWithinTheSameBudget() {
        List<Duration> waits = new HealthSpec("/health", 3, Duration.ofSeconds(10)).waits();

        assertThat(waits.get(0)).isEqualTo(Duration.ofMillis(500));
        assertThat(waits).startsWith(Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(4),
                Duration.ofSeconds(8), Duration.ofSeconds(10));
        assertThat(waits).allSatisfy(w -> assertThat(w).isLessThanOrEqualTo(Duration.ofSeconds(10)));
        assertThat(total(waits)).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void aShortDelayOrNoDelayKeepsItsShape() {
        assertThat(new HealthSpec("/health", 2, Duration.ofMillis(200)).waits())
                .containsExactly(Duration.ofMillis(200), Duration.ofMillis(200));
        assertThat(new HealthSpec("/health", 3, Duration.ZERO).waits()).containsExactly(Duration.ZERO, Duration.ZERO);
        assertThat(new HealthSpec("/health", 1, Duration.ZERO).waits()).isEmpty();
    }
}
