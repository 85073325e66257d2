package io.mmdeploy.cli;

import io.mmdeploy.cli.host.TerminalEventSink;
import io.mmdeploy.engine.config.DeployConfig;
import io.mmdeploy.engine.config.EnvironmentSpec;
import io.mmdeploy.engine.gcp.GoogleClients;
import io.mmdeploy.engine.port.MaskingEventSink;
import io.mmdeploy.engine.port.SecretMask;
import io.mmdeploy.engine.port.StageLog;
import io.mmdeploy.engine.release.CloudRunReleases;
import io.mmdeploy.engine.release.ReleaseHistory;
import io.mmdeploy.engine.release.SecretManagerReleaseStore;
import java.io.PrintWriter;
import picocli.CommandLine.Model.CommandSpec;

/**
 * One release command's run against one environment: the validated config, the environment's Google clients,
 * its release store, and a masked log on stderr. Closing it closes the clients.
 */
final class EnvironmentSession implements AutoCloseable {
    final DeployConfig config;
    final EnvironmentSpec env;
    final GoogleClients clients;
    final SecretMask mask = new SecretMask();
    final SecretManagerReleaseStore store;
    final CloudRunReleases releases;
    private final MaskingEventSink sink;

    EnvironmentSession(EnvironmentOptions options, CommandHost host, CommandSpec spec) {
        this.config = options.config.load().config();
        this.env = config.environment(options.environment);
        boolean debug = spec.root().userObject() instanceof MmDeploy root && root.debug;
        PrintWriter err = spec.commandLine().getErr();
        this.sink = new MaskingEventSink(new TerminalEventSink(err, debug), mask);
        this.clients = host.open(env);
        this.store = new SecretManagerReleaseStore(clients.secretManager(), env, mask, log("release"));
        this.releases = new CloudRunReleases(clients, store, host.clock(), host.sleeper(), this::log);
    }

    StageLog log(String stage) {
        return new StageLog(sink, stage);
    }

    ReleaseHistory history() {
        return ReleaseHistory.read(store);
    }

    @Override
    public void close() {
        clients.close();
    }
}
