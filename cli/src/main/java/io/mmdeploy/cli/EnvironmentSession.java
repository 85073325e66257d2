package io.mmdeploy.cli;

import io.mmdeploy.engine.config.DeployConfig;
import io.mmdeploy.engine.config.EnvironmentSpec;
import io.mmdeploy.engine.gcp.GoogleClients;
import io.mmdeploy.engine.lease.Lease;
import io.mmdeploy.engine.release.CloudRunReleases;
import io.mmdeploy.engine.release.ReleaseHistory;
import io.mmdeploy.engine.release.SecretManagerReleaseStore;
import io.mmdeploy.engine.steps.Stages;
import java.time.Duration;

/**
 * One release subcommand's run against one environment: config, Google clients, release store, from the engine's
 * stages as a deploy's rollback has them. Closing gives back a lease it took and closes the clients.
 */
final class EnvironmentSession implements AutoCloseable {
    /** The longest any Google operation of a release subcommand is waited for. */
    static final Duration LONGEST_WAIT = Duration.ofMinutes(10);

    final DeployConfig config;
    final EnvironmentSpec env;
    final GoogleClients clients;
    final SecretManagerReleaseStore store;
    final CloudRunReleases releases;
    private final ReleaseRecordsCommand command;
    private final Stages stages;
    private Lease lease;

    EnvironmentSession(ReleaseRecordsCommand command) {
        this.command = command;
        this.config = command.load().config();
        this.env = command.environment(config);
        this.stages = command.stages();
        this.clients = command.connect(env, LONGEST_WAIT);
        Stages.Releases both = stages.releases(env, clients);
        this.store = both.store();
        this.releases = both.cloudRun();
    }

    ReleaseHistory history() {
        return ReleaseHistory.read(store);
    }

    /** Takes the environment's lease before the session changes anything (a rollback); held until close. */
    void holdLease() throws InterruptedException {
        lease = command.holdLease(stages, env, clients);
    }

    @Override
    public void close() {
        try {
            if (lease != null) {
                lease.close();
            }
        } finally {
            clients.close();
        }
    }
}
