package io.mmdeploy.engine.config;

/**
 * One backend service of the app.
 *
 * @param name the service's short name (e.g. {@code agent}); unique in the config
 * @param build how its image is built
 * @param image the image name inside the environment's Artifact Registry repository
 * @param health its health check
 * @param tfvarsVariable the tfvars variable that carries its image reference
 * @param cloudRunName the Cloud Run service's base name; the environment's suffix is appended
 * @param smokeTests its HTTP checks after the health check; empty for none
 */
public record ServiceSpec(String name, BuildSpec build, String image, HealthSpec health, String tfvarsVariable, String cloudRunName,
        java.util.List<SmokeTestSpec> smokeTests) {

    public ServiceSpec {
        smokeTests = java.util.List.copyOf(smokeTests);
    }

    /** A service without smoke tests. */
    public ServiceSpec(String name, BuildSpec build, String image, HealthSpec health, String tfvarsVariable, String cloudRunName) {
        this(name, build, image, health, tfvarsVariable, cloudRunName, java.util.List.of());
    }

    /** The Cloud Run service name in one environment (seed 002: {@code agent-service-staging} vs {@code agent-service}). */
    public String cloudRunService(EnvironmentSpec environment) {
        return cloudRunName + environment.serviceNameSuffix();
    }
}
