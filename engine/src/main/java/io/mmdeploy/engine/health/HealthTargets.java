package io.mmdeploy.engine.health;

import com.google.cloud.run.v2.ServiceName;
import io.mmdeploy.engine.config.DeployConfig;
import io.mmdeploy.engine.config.EnvironmentSpec;
import io.mmdeploy.engine.config.GatewaySpec;
import io.mmdeploy.engine.config.HealthSpec;
import io.mmdeploy.engine.config.ServiceSpec;
import io.mmdeploy.engine.diagnostics.DeployException;
import io.mmdeploy.engine.serviceurls.CloudRunUrls;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** What a health check of an environment covers: its services and gateway at their Cloud Run URLs. */
public final class HealthTargets {
    private HealthTargets() {}

    /**
     * @param only service or gateway names to check; null or empty for all of them
     * @param expectedVersion the version each must report; null not to check
     */
    public static List<HealthTarget> of(DeployConfig config, EnvironmentSpec env, CloudRunUrls urls, List<String> only,
            String expectedVersion) {
        boolean all = only == null || only.isEmpty();
        List<ServiceSpec> services = config.services().stream().filter(s -> all || only.contains(s.name())).toList();
        GatewaySpec gateway = config.gateway() != null && (all || only.contains(config.gateway().name())) ? config.gateway() : null;
        // Every URL asked of Cloud Run at once; a worker has no URL to ask (Cloud Run tells whether it is up).
        List<String> withUrls = new ArrayList<>();
        services.stream().filter(s -> health(s.health()).http()).forEach(s -> withUrls.add(s.cloudRunService(env)));
        if (gateway != null) {
            withUrls.add(gateway.cloudRunService(env));
        }
        Map<String, String> published = urls.urls(env, withUrls);
        List<HealthTarget> targets = new ArrayList<>();
        for (ServiceSpec s : services) {
            HealthSpec spec = health(s.health());
            String service = ServiceName.of(env.projectId(), env.region(), s.cloudRunService(env)).toString();
            targets.add(new HealthTarget(s.name(), spec.http() ? published.get(s.cloudRunService(env)) : null, spec,
                    spec.http() ? expectedVersion : null, service));
        }
        if (gateway != null) {
            targets.add(new HealthTarget(gateway.name(), published.get(gateway.cloudRunService(env)), health(gateway.health()), expectedVersion,
                    ServiceName.of(env.projectId(), env.region(), gateway.cloudRunService(env)).toString()));
        }
        if (targets.isEmpty()) {
            throw DeployException.of("Nothing to check", String.join(",", only) + " names no service or gateway of " + config.file() + ".");
        }
        return targets;
    }

    private static HealthSpec health(HealthSpec configured) {
        return Objects.requireNonNullElse(configured, HealthSpec.defaults());
    }
}
