package io.mmdeploy.engine.gcp.fake;

import io.mmdeploy.engine.config.ApprovalPolicy;
import io.mmdeploy.engine.config.BuildSpec;
import io.mmdeploy.engine.config.DeployConfig;
import io.mmdeploy.engine.config.EnvironmentSpec;
import io.mmdeploy.engine.config.GatewaySpec;
import io.mmdeploy.engine.config.HealthSpec;
import io.mmdeploy.engine.config.MigrationSpec;
import io.mmdeploy.engine.config.RegistryPath;
import io.mmdeploy.engine.config.ServiceSpec;
import io.mmdeploy.engine.config.TagScheme;
import io.mmdeploy.engine.config.TofuSpec;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Config records for tests, shaped like the MindMirror example (built directly until the loader lands). */
public final class Fixtures {
    public static final String PROJECT = "mindmirror-staging";
    public static final String REGION = "us-east4";
    public static final List<String> SERVICES = List.of("agent", "journal", "habits", "meals", "movements", "practices", "users");

    private Fixtures() {}

    public static EnvironmentSpec staging() {
        return environment("staging", PROJECT, "-staging");
    }

    public static EnvironmentSpec environment(String name, String project, String suffix) {
        return new EnvironmentSpec(name, name, project, "1234567890", REGION,
                RegistryPath.parse(REGION + "-docker.pkg.dev/" + project + "/mindmirror").orElseThrow(), null,
                new TofuSpec("infra", List.of("infra/environments/" + name + ".auto.tfvars"), null),
                "service-urls-" + name, suffix, TagScheme.defaults(), ApprovalPolicy.none());
    }

    public static ServiceSpec service(String name) {
        return new ServiceSpec(name, new BuildSpec(".", "services/" + name + "/Dockerfile", Map.of(), List.of("services/" + name)),
                name + "-service", HealthSpec.defaults(), name + "_service_container_image", name + "-service");
    }

    public static GatewaySpec gateway() {
        Map<String, String> args = new LinkedHashMap<>();
        for (String s : SERVICES) {
            args.put(s.toUpperCase() + "_SERVICE_URL", s);
        }
        return new GatewaySpec("mesh", new BuildSpec("mesh", null, Map.of("NODE_ENV", "production"), List.of("mesh")), "mesh-gateway",
                args, "gateway_container_image", "google_cloud_run_v2_service.gateway",
                new HealthSpec("/healthcheck", 3, Duration.ofSeconds(10)), "mesh-gateway");
    }

    public static DeployConfig config() {
        return new DeployConfig("mm-deploy.yaml", "mindmirror", SERVICES.stream().map(Fixtures::service).toList(), gateway(),
                List.of(new MigrationSpec("migrate-main", "main", "users", Duration.ofSeconds(5)),
                        new MigrationSpec("migrate-habits", "habits", "habits", Duration.ofSeconds(5))),
                Map.of("staging", staging(), "production", environment("production", "mindmirror-69", "")));
    }
}
