package io.mmdeploy.cli;

import io.mmdeploy.engine.lease.Lease;
import com.google.cloud.run.v2.ServiceName;
import io.mmdeploy.engine.config.DeployConfig;
import io.mmdeploy.engine.config.EnvironmentSpec;
import io.mmdeploy.engine.gcp.GoogleClients;
import io.mmdeploy.engine.traffic.CloudRunTraffic;
import io.mmdeploy.engine.traffic.RevisionInfo;
import io.mmdeploy.engine.traffic.TrafficMove;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code mmdeploy traffic}: list revisions, or move a service's traffic (rollback). Never builds, never runs OpenTofu. */
@Command(name = "traffic", description = "List a service's revisions, or send all its traffic to one revision, the previous good one, or the latest.")
final class TrafficCommand extends CloudCommand {
    @Option(names = "--service", required = true, paramLabel = "NAME", description = "A service (or the gateway) of the config.")
    String service;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Action action;

    static final class Action {
        @Option(names = "--list", description = "List the revisions, newest first.")
        boolean list;

        @Option(names = "--to", paramLabel = "REVISION", description = "Send 100%% of the traffic to this revision.")
        String revision;

        @Option(names = "--previous", description = "Send 100%% of the traffic to the last ready revision before the newest.")
        boolean previous;

        @Option(names = "--latest", description = "Send the traffic back to the latest revision.")
        boolean latest;
    }

    /** Every action but --list moves traffic. */
    @Override
    boolean mutates() {
        return !action.list;
    }

    @Override
    public Integer call() throws Exception {
        DeployConfig config = load().config();
        EnvironmentSpec env = environment(config);
        ServiceName name = CloudRunTraffic.serviceName(config, env, service);
        try (GoogleClients clients = connect(env, Duration.ofMinutes(5))) {
            CloudRunTraffic traffic = new CloudRunTraffic(clients.services(), clients.revisions(), log(CloudRunTraffic.STAGE), Duration.ofMinutes(5));
            if (action.list) {
                List<RevisionInfo> revisions = traffic.revisions(name);
                StringBuilder text = new StringBuilder();
                for (RevisionInfo r : revisions) {
                    text.append(String.format("%-40s %-9s %s  %s%n", r.name(), r.ready() ? "ready" : "NOT READY", r.created(), r.image()));
                }
                print(revisions, text.toString());
                return 0;
            }
            TrafficMove move;
            try (Lease lease = holdLease(stages(), env, clients)) {
                if (action.latest) {
                    move = traffic.routeToLatest(name);
                } else if (action.previous) {
                    move = traffic.routeToPrevious(name);
                } else {
                    move = traffic.routeAllTo(name, action.revision);
                }
            }
            print(move, move.service() + ": " + String.join(", ", move.before()) + " -> " + move.after() + "=100\n");
        }
        return 0;
    }
}
