package io.mmdeploy.engine.release;

import io.mmdeploy.engine.gcp.GoogleClients;
import io.mmdeploy.engine.health.CloudRunReadiness;
import io.mmdeploy.engine.health.HealthCheck;
import io.mmdeploy.engine.images.ImageCatalog;
import io.mmdeploy.engine.port.Sleeper;
import io.mmdeploy.engine.port.StageLog;
import io.mmdeploy.engine.run.ParallelRunner;
import io.mmdeploy.engine.serviceurls.CloudRunUrls;
import io.mmdeploy.engine.traffic.CloudRunTraffic;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.function.Function;

/**
 * The release stages wired on one environment's Google clients, for hosts (CLI, plugin) that need more than
 * one of them: one place that knows what each takes.
 */
public final class CloudRunReleases {
    /** How long one traffic move may take before it is reported as stuck. */
    static final Duration TRAFFIC_TIMEOUT = Duration.ofMinutes(5);
    /** Traffic moves and health checks at once (7 services and a gateway in MindMirror). */
    static final int PARALLEL = 8;

    private final GoogleClients clients;
    private final ReleaseStore store;
    private final Clock clock;
    private final Sleeper sleeper;
    private final Function<String, StageLog> logs;
    private final Executor threads;

    /**
     * @param logs the log of a stage, by stage name
     * @param threads the parallel reads and moves run on these (a run's threads, or {@link ParallelRunner#FRESH_THREADS})
     */
    public CloudRunReleases(GoogleClients clients, ReleaseStore store, Clock clock, Sleeper sleeper, Function<String, StageLog> logs,
            Executor threads) {
        this.clients = clients;
        this.store = store;
        this.clock = clock;
        this.sleeper = sleeper;
        this.logs = logs;
        this.threads = threads;
    }

    public CloudRunTraffic traffic() {
        return new CloudRunTraffic(clients.services(), clients.revisions(), logs.apply(CloudRunTraffic.STAGE), TRAFFIC_TIMEOUT);
    }

    public LiveServices live() {
        return new LiveServices(clients.services(), traffic(), new ParallelRunner(PARALLEL, threads));
    }

    public ReleaseRecorder recorder() {
        return new ReleaseRecorder(store, live(), clock, logs.apply(ReleaseRecorder.STAGE));
    }

    public AliasMove aliases() {
        return new AliasMove(new ImageCatalog(clients.artifactRegistry()), logs.apply(AliasMove.STAGE), new ParallelRunner(PARALLEL, threads));
    }

    public EnvironmentRollback rollback() {
        HealthCheck health = HealthCheck.standard(sleeper, logs.apply(HealthCheck.STAGE), clients.proxy(),
                new CloudRunReadiness(clients.services(), clients.revisions()));
        return new EnvironmentRollback(store, live(), traffic(), new CloudRunUrls(clients.services()), health, new ParallelRunner(PARALLEL, threads), aliases(), clock,
                logs.apply(EnvironmentRollback.STAGE));
    }

    public DriftCheck drift() {
        return new DriftCheck(live(), logs.apply(DriftCheck.STAGE));
    }
}
