package io.mmdeploy.cli;

import io.mmdeploy.engine.steps.Stages;
import io.mmdeploy.engine.lease.Lease;
import io.mmdeploy.engine.config.DeployConfig;
import io.mmdeploy.engine.config.EnvironmentSpec;
import io.mmdeploy.engine.config.MigrationSpec;
import io.mmdeploy.engine.diagnostics.DeployException;
import io.mmdeploy.engine.gcp.GoogleClients;
import io.mmdeploy.engine.images.ImageRef;
import io.mmdeploy.engine.migrations.MigrationResult;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code mmdeploy run-migrations}: the engine of mmRunMigrations. */
@Command(name = "run-migrations", description = "Point each migration job at its service's new image, run it, and wait; a failed,"
        + " cancelled or timed-out execution fails the command.")
final class RunMigrationsCommand extends CloudCommand {
    @Option(names = "--image", paramLabel = "SERVICE=IMAGE@DIGEST", required = true,
            description = "The image a service's migrations run, by digest (from build-images), e.g. users=<repo>@sha256:…")
    Map<String, String> images;

    @Override
    boolean mutates() {
        return true;
    }

    @Override
    public Integer call() throws Exception {
        DeployConfig config = load().config();
        EnvironmentSpec env = environment(config);
        Map<String, ImageRef> refs = new LinkedHashMap<>();
        images.forEach((service, ref) -> refs.put(service, parse(service, ref)));
        Duration longest = config.migrations().stream().map(MigrationSpec::timeout).max(Duration::compareTo).orElse(MigrationSpec.DEFAULT_TIMEOUT);
        Stages stages = stages();
        try (GoogleClients clients = connect(env, longest); Lease lease = holdLease(stages, env, clients)) {
            List<MigrationResult> results = stages.migrations(clients).run(env, config.migrations(), refs, r -> { });
            StringBuilder text = new StringBuilder();
            for (MigrationResult r : results) {
                text.append(String.format("%-24s %s  %s  %d succeeded, %d failed  %s%n", r.job(), r.execution(), MigrationResult.SUCCEEDED,
                        r.succeededTasks(), r.failedTasks(), r.logUri()));
            }
            print(results, text.toString());
        }
        return 0;
    }

    private static ImageRef parse(String service, String ref) {
        int at = ref.indexOf("@sha256:");
        if (at < 0) {
            throw DeployException.of("--image " + service + " is not a digest reference",
                    "Give <repository>@sha256:<digest>, as build-images prints it: migrations run exactly the image that was built.");
        }
        return new ImageRef(service, ref.substring(0, at), List.of(), ref.substring(at + 1), false);
    }
}
