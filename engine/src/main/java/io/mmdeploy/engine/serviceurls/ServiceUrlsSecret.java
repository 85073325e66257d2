package io.mmdeploy.engine.serviceurls;

import com.google.cloud.secretmanager.v1.SecretManagerServiceClient;
import com.google.cloud.secretmanager.v1.SecretName;
import com.google.cloud.secretmanager.v1.SecretVersionName;
import io.mmdeploy.engine.config.EnvironmentSpec;
import io.mmdeploy.engine.diagnostics.DeployException;
import io.mmdeploy.engine.gcp.SecretVersions;
import io.mmdeploy.engine.port.SecretMask;
import io.mmdeploy.engine.port.StageLog;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * The secret {@code service-urls-<env>} in the environment's own project: written as a new version after the
 * services deploy, read back for the gateway build. Payloads go into the run's {@link SecretMask} before any
 * call, and are never part of a log line or an error.
 */
public final class ServiceUrlsSecret {
    public static final String STAGE = "service-urls";

    private final SecretManagerServiceClient secrets;
    private final SecretMask mask;
    private final StageLog log;

    public ServiceUrlsSecret(SecretManagerServiceClient secrets, SecretMask mask, StageLog log) {
        this.secrets = secrets;
        this.mask = mask;
        this.log = log;
    }

    public static String secretId(EnvironmentSpec env) {
        return env.serviceUrlsSecret() == null || env.serviceUrlsSecret().isBlank()
                ? "service-urls-" + env.name()
                : env.serviceUrlsSecret();
    }

    /** Stores the URLs as a new version, creating the secret when missing; returns the version's name. */
    public String publish(EnvironmentSpec env, ServiceUrls urls) {
        String payload = urls.toJson();
        mask.add(payload);
        SecretVersions versions = versions(env);
        if (versions.ensureExists(Map.of("managed-by", "mm-deploy"))) {
            log.info("Created the secret " + versions.secret());
        }
        long number = versions.add(payload.getBytes(StandardCharsets.UTF_8));
        String name = SecretVersionName.of(env.projectId(), secretId(env), Long.toString(number)).toString();
        log.info("Stored " + urls.byService().size() + " service URL(s) as " + name);
        return name;
    }

    /** The latest version's URLs; {@code knownServices} maps the stored keys back to service names. */
    public ServiceUrls read(EnvironmentSpec env, List<String> knownServices) {
        SecretVersions.Version latest = versions(env).access("latest").orElseThrow(() -> DeployException.of(
                "The secret " + secretId(env) + " has no version in project " + env.projectId(),
                SecretVersionName.of(env.projectId(), secretId(env), "latest") + " does not exist. It is written after the"
                        + " services deploy: run mmServiceUrls (mmdeploy service-urls -e " + env.name() + ") first."));
        String payload = new String(latest.data(), StandardCharsets.UTF_8);
        mask.add(payload);
        ServiceUrls urls = ServiceUrls.parse(payload, knownServices).orElseThrow(() -> DeployException.of(
                "The secret " + secretId(env) + " (version " + latest.number() + ") is not a JSON object of service URLs",
                "Expected {\"agent_service_url\": \"https://…\", …}. The payload is not shown because it is secret."
                        + " Run mmServiceUrls to write a fresh version."));
        log.info("Read " + urls.byService().size() + " service URL(s) from " + secretId(env) + " version " + latest.number());
        return urls;
    }

    private SecretVersions versions(EnvironmentSpec env) {
        return new SecretVersions(secrets, SecretName.of(env.projectId(), secretId(env)));
    }
}
