package io.mmdeploy.engine.smoke;

import io.mmdeploy.engine.config.DeployConfig;
import io.mmdeploy.engine.config.EnvironmentSpec;
import io.mmdeploy.engine.config.GatewaySpec;
import io.mmdeploy.engine.config.ServiceSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/** Every smoke test of an environment's deploy: each service's (in config order), then the gateway's. */
public final class SmokeTargets {
    private SmokeTargets() {}

    /** @param urlOf Cloud Run service name (with the environment's suffix) → the base URL its tests go to */
    public static List<SmokeTarget> of(DeployConfig config, EnvironmentSpec env, UnaryOperator<String> urlOf) {
        List<SmokeTarget> out = new ArrayList<>();
        for (int i = 0; i < config.services().size(); i++) {
            ServiceSpec s = config.services().get(i);
            for (int t = 0; t < s.smokeTests().size(); t++) {
                out.add(new SmokeTarget(s.name(), urlOf.apply(s.cloudRunService(env)), s.smokeTests().get(t),
                        "services[" + i + "].smokeTests[" + t + "]"));
            }
        }
        GatewaySpec g = config.gateway();
        if (g != null) {
            for (int t = 0; t < g.smokeTests().size(); t++) {
                out.add(new SmokeTarget(g.name(), urlOf.apply(g.cloudRunService(env)), g.smokeTests().get(t), "gateway.smokeTests[" + t + "]"));
            }
        }
        return out;
    }
}
