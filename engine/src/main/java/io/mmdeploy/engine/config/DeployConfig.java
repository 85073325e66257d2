package io.mmdeploy.engine.config;

import io.mmdeploy.engine.diagnostics.DeployException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The validated content of {@code mm-deploy.yaml}: what the app is made of and where it deploys.
 *
 * @param file the config file's path as the user named it (for messages)
 * @param app the app's name
 * @param services the backend services, in config order
 * @param gateway the gateway; null when the app has none
 * @param migrations the migration jobs, in the order they run
 * @param environments by name, in config order
 */
public record DeployConfig(
        String file,
        String app,
        List<ServiceSpec> services,
        GatewaySpec gateway,
        List<MigrationSpec> migrations,
        Map<String, EnvironmentSpec> environments) {

    public static final String DEFAULT_FILE = "mm-deploy.yaml";

    public DeployConfig {
        services = List.copyOf(services);
        migrations = List.copyOf(migrations);
        environments = Collections.unmodifiableMap(new LinkedHashMap<>(environments));
    }

    public Optional<ServiceSpec> service(String name) {
        return services.stream().filter(s -> s.name().equals(name)).findFirst();
    }

    /** The services that answer HTTP: they have URLs (the URLs secret, the gateway's build args); workers have none. */
    public List<ServiceSpec> httpServices() {
        return services.stream().filter(s -> s.health().http()).toList();
    }

    public Optional<GatewaySpec> gatewaySpec() {
        return Optional.ofNullable(gateway);
    }

    /**
     * The named environment, or a clear error that lists the known ones (and the closest, when the name
     * looks like a typo).
     */
    public EnvironmentSpec environment(String name) {
        EnvironmentSpec env = environments.get(name);
        if (env != null) {
            return env;
        }
        String hint = Suggestions.closest(name, environments.keySet())
                .map(s -> " Did you mean \"" + s + "\"?")
                .orElse("");
        throw DeployException.of(
                "Unknown environment \"" + name + "\"",
                file + " defines the environments " + String.join(", ", environments.keySet()) + "." + hint);
    }
}
