package io.mmdeploy.cli;

import io.mmdeploy.engine.steps.Stages;
import io.mmdeploy.engine.lease.Lease;
import io.mmdeploy.engine.config.DeployConfig;
import io.mmdeploy.engine.config.EnvironmentSpec;
import io.mmdeploy.engine.config.ServiceSpec;
import io.mmdeploy.engine.gcp.GoogleClients;
import io.mmdeploy.engine.serviceurls.CloudRunUrls;
import io.mmdeploy.engine.serviceurls.ServiceUrls;
import io.mmdeploy.engine.serviceurls.ServiceUrlsSecret;
import java.time.Duration;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code mmdeploy service-urls}: the engine of mmServiceUrls. */
@Command(name = "service-urls", description = "Read every service's Cloud Run URL and store them as a new version of the secret"
        + " service-urls-<env> in the environment's project (--read: show what the secret holds).")
final class ServiceUrlsCommand extends CloudCommand {
    @Option(names = "--read", description = "Only read the secret's latest version.")
    boolean readOnly;

    /** Publishing writes a secret version; --read only reads. */
    @Override
    boolean mutates() {
        return !readOnly;
    }

    @Override
    public Integer call() throws Exception {
        DeployConfig config = load().config();
        EnvironmentSpec env = environment(config);
        Stages stages = stages();
        try (GoogleClients clients = connect(env, Duration.ofMinutes(1))) {
            ServiceUrlsSecret secret = stages.urlsSecret(clients);
            ServiceUrls urls;
            String version = null;
            if (readOnly) {
                urls = secret.read(env, config.httpServices().stream().map(ServiceSpec::name).toList());
            } else {
                try (Lease lease = holdLease(stages, env, clients)) {
                    urls = new CloudRunUrls(clients.services()).read(env, config.httpServices());
                    version = secret.publish(env, urls);
                }
            }
            StringBuilder text = new StringBuilder();
            urls.byService().forEach((service, url) -> text.append(String.format("%-12s %s%n", service, url)));
            if (version != null) {
                text.append("secret ").append(version).append('\n');
            }
            print(version == null ? Map.of("urls", urls.byService()) : Map.of("urls", urls.byService(), "secret", version), text.toString());
        }
        return 0;
    }
}
