package io.mmdeploy.engine.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which environment a branch deploys to, and what a pipeline must know to pick its shape before it touches
 * anything (mmEnvironmentFor of docs/STEPS.md). Read from the config alone: no credentials, no Google call.
 *
 * @param environment the environment whose {@code branch} is the given branch; null when none is
 * @param gated that environment's policy has approval gates (false when there is no environment)
 * @param known branch → environment name, for every environment that names a branch, in config order
 * @param environments every environment's name, in config order
 * @param services every service's name, in config order
 * @param gateway the gateway's name; null when the app has none
 */
public record EnvironmentChoice(
        String environment, boolean gated, Map<String, String> known, List<String> environments, List<String> services, String gateway) {

    public EnvironmentChoice {
        known = Collections.unmodifiableMap(new LinkedHashMap<>(known));
        environments = List.copyOf(environments);
        services = List.copyOf(services);
    }

    /** @param branch the branch being built; null or blank when the caller has none (then no environment is chosen) */
    public static EnvironmentChoice of(DeployConfig config, String branch) {
        Map<String, String> known = new LinkedHashMap<>();
        config.environments().values().forEach(env -> {
            if (env.branch() != null && !env.branch().isBlank()) {
                known.putIfAbsent(env.branch(), env.name());
            }
        });
        String chosen = branch == null || branch.isBlank() ? null : known.get(branch.strip());
        boolean gated = chosen != null && policy(config.environment(chosen)).hasGates();
        return new EnvironmentChoice(chosen, gated, known, new ArrayList<>(config.environments().keySet()),
                config.services().stream().map(ServiceSpec::name).toList(),
                config.gatewaySpec().map(GatewaySpec::name).orElse(null));
    }

    private static ApprovalPolicy policy(EnvironmentSpec env) {
        return env.approval() == null ? ApprovalPolicy.none() : env.approval();
    }

    /** The step's result, keys as docs/STEPS.md names them; {@code environment} and {@code gateway} may be null. */
    public Map<String, Object> toMap() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("environment", environment);
        out.put("gated", gated);
        out.put("known", known);
        out.put("environments", environments);
        out.put("services", services);
        out.put("gateway", gateway);
        return out;
    }
}
