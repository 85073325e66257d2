package io.mmdeploy.engine.config;

import java.util.Map;

/**
 * The GraphQL gateway ("mesh" in the seeds): built after the services, with their URLs as build args.
 *
 * @param name its short name (e.g. {@code mesh})
 * @param build how its image is built (static build args only; URL args come from {@code serviceUrlArgs})
 * @param image the image name in the registry
 * @param serviceUrlArgs build arg name → the service whose URL it receives, in order
 * @param tfvarsVariable the tfvars variable that carries its image reference
 * @param tofuTarget the resource address for the gateway-only apply ({@code -target})
 * @param health its health check (default 3 tries, 10 s apart)
 * @param cloudRunName the Cloud Run service's base name; the environment's suffix is appended
 * @param smokeTests its HTTP checks after the health check (e.g. that it federates); empty for none
 */
public record GatewaySpec(
        String name,
        BuildSpec build,
        String image,
        Map<String, String> serviceUrlArgs,
        String tfvarsVariable,
        String tofuTarget,
        HealthSpec health,
        String cloudRunName,
        java.util.List<SmokeTestSpec> smokeTests) {

    public GatewaySpec {
        serviceUrlArgs = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(serviceUrlArgs));
        smokeTests = java.util.List.copyOf(smokeTests);
    }

    /** A gateway without smoke tests. */
    public GatewaySpec(String name, BuildSpec build, String image, Map<String, String> serviceUrlArgs, String tfvarsVariable,
            String tofuTarget, HealthSpec health, String cloudRunName) {
        this(name, build, image, serviceUrlArgs, tfvarsVariable, tofuTarget, health, cloudRunName, java.util.List.of());
    }

    public String cloudRunService(EnvironmentSpec environment) {
        return cloudRunName + environment.serviceNameSuffix();
    }
}
