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
        List<HealthTarget> targets = new ArrayList<>();
        for (ServiceSpec s : config.services()) {
            if (all || only.contains(s.name())) {
                HealthSpec spec = Objects.requireNonNullElse(s.health(), HealthSpec.defaults());
                String service = ServiceName.of(env.projectId(), env.region(), s.cloudRunService(env)).toString();
                // A worker has no URL to ask: Cloud Run tells whether it is up.
                targets.add(new HealthTarget(s.name(), spec.http() ? urls.url(env, s.cloudRunService(env)) : null, spec,
                        spec.http() ? expectedVersion : null, service));
            }
        }
        GatewaySpec gateway = config.gateway();
        if (gateway != null && (all || only.contains(gateway.name()))) {
            targets.add(new HealthTarget(gateway.name(), urls.url(env, gateway.cloudRunService(env)),
                    Objects.requireNonNullElse(gateway.health(), HealthSpec.defaults()), expectedVersion,
                    ServiceName.of(env.projectId(), env.region(), gateway.cloudRunService(env)).toString()));
        }
        if (targets.isEmpty()) {
            throw DeployException.of("Nothing to check", String.join(",", only) + " names no service or gateway of " + config.file() + ".");
        }
        return targets;
    }
}
