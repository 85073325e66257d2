package io.mmdeploy.engine.lease;

import io.mmdeploy.engine.config.EnvironmentSpec;
import io.mmdeploy.engine.diagnostics.DeployException;
import io.mmdeploy.engine.port.Workspace;
import io.mmdeploy.engine.tofu.tfvars.TfvarsDocument;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;

/**
 * Where an environment's OpenTofu state lives when its backend config names a gcs bucket: the bucket and the state's
 * prefix inside it. The lease sits beside the state; doctor and bootstrap check and create the bucket.
 */
public record StateBucket(String bucket, String prefix) {

    /** Empty when the environment has no backend config or its backend names no bucket (local state). */
    public static Optional<StateBucket> of(EnvironmentSpec env, Workspace workspace) {
        String file = env.tofu().backendConfig();
        if (file == null) {
            return Optional.empty();
        }
        try {
            String text = workspace.readText(file).orElseThrow(() -> DeployException.of("Backend config file not found",
                    file + " is named by environments." + env.name() + ".tofu.backendConfig but does not exist."));
            Map<String, String> backend = TfvarsDocument.parse(file, text).strings();
            return Optional.ofNullable(backend.get("bucket")).map(b -> new StateBucket(b, backend.getOrDefault("prefix", "")));
        } catch (IOException e) {
            throw DeployException.of("Cannot read " + file, String.valueOf(e.getMessage()));
        }
    }

    /** The name of an object under the state's prefix. */
    public String object(String name) {
        return prefix.isEmpty() ? name : prefix.replaceAll("/+$", "") + "/" + name;
    }
}
