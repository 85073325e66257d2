package io.mmdeploy.cli;

import io.mmdeploy.engine.port.Sleeper;
import java.time.Clock;

/**
 * What the release subcommands share beyond {@link CloudCommand}: the clock that dates records and windows,
 * and the sleeper between health-check attempts (tests replace both, as they replace the connector).
 */
abstract class ReleaseRecordsCommand extends CloudCommand {
    Clock clock = Clock.systemUTC();
    Sleeper sleeper = Sleeper.real();

    /** The environment's config, clients and release store; the caller closes it. */
    EnvironmentSession session() {
        return new EnvironmentSession(this);
    }
}
