package io.mmdeploy.cli;

import io.mmdeploy.engine.config.DeployConfig;
import io.mmdeploy.engine.config.EnvironmentSpec;
import io.mmdeploy.engine.gcp.GoogleClients;
import io.mmdeploy.engine.release.CloudRunReleases;
import io.mmdeploy.engine.release.ReleaseHistory;
import io.mmdeploy.engine.release.ReleaseRecorder;
import io.mmdeploy.engine.release.SecretManagerReleaseStore;
import io.mmdeploy.engine.run.ParallelRunner;
import java.time.Duration;

/** One release subcommand's run against one environment: config, Google clients, release store. Closing closes the clients. */
final class EnvironmentSession implements AutoCloseable {
    /** The longest any Google operation of a release subcommand is waited for. */
    static final Duration LONGEST_WAIT = Duration.ofMinutes(10);
    /** Release-history versions read at once (Secret Manager allows 90,000 accesses a minute per project). */
    static final int HISTORY_READS = 8;

    final DeployConfig config;
    final EnvironmentSpec env;
    final GoogleClients clients;
    final SecretManagerReleaseStore store;
    final CloudRunReleases releases;

    EnvironmentSession(ReleaseRecordsCommand command) {
        this.config = command.load().config();
        this.env = command.environment(config);
        this.clients = command.connect(env, LONGEST_WAIT);
        this.store = new SecretManagerReleaseStore(clients.secretManager(), env, command.mask, new ParallelRunner(HISTORY_READS),
                command.log(ReleaseRecorder.STAGE));
        this.releases = new CloudRunReleases(clients, store, command.clock, command.sleeper, command::log);
    }

    ReleaseHistory history() {
        return ReleaseHistory.read(store);
    }

    @Override
    public void close() {
        clients.close();
    }
}
