package io.mmdeploy.engine.tofu;

import io.mmdeploy.engine.config.EnvironmentSpec;
import io.mmdeploy.engine.config.TofuSpec;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * One environment's tofu run. Paths are relative to the tofu working directory, because tofu runs there.
 *
 * @param environment the environment's name (names the plan file)
 * @param dir the root module, relative to the workspace root ("" for the root)
 * @param varFiles the {@code -var-file}s, relative to {@code dir}, in order
 * @param backendConfig the {@code -backend-config} file, relative to {@code dir}; null for none
 * @param target a resource address for a targeted plan (the gateway-only apply); null for all
 */
public record TofuRequest(String environment, String dir, List<String> varFiles, String backendConfig, String target) {
    /** Where mm-deploy keeps its own files inside the tofu directory (saved plans hold secrets: never commit it). */
    public static final String STATE_DIR = ".mm-deploy";

    public TofuRequest {
        Objects.requireNonNull(environment, "environment");
        dir = Objects.requireNonNullElse(dir, "");
        varFiles = List.copyOf(varFiles);
        if (target != null && target.isBlank()) {
            target = null;
        }
    }

    /**
     * The request for an environment, its TofuSpec paths taken relative to {@code baseDir} (the config file's
     * directory inside the workspace, "" for the root) and turned relative to the tofu directory.
     */
    public static TofuRequest of(EnvironmentSpec environment, String baseDir) {
        TofuSpec spec = environment.tofu();
        Path base = Path.of(Objects.requireNonNullElse(baseDir, ""));
        Path dir = base.resolve(spec.dir()).normalize();
        List<String> varFiles = spec.varFiles().stream().map(f -> relative(dir, base.resolve(f))).toList();
        String backend = spec.backendConfig() == null ? null : relative(dir, base.resolve(spec.backendConfig()));
        return new TofuRequest(environment.name(), slashes(dir), varFiles, backend, null);
    }

    public TofuRequest withTarget(String address) {
        return new TofuRequest(environment, dir, varFiles, backendConfig, address);
    }

    /** The saved plan, relative to {@code dir}; a targeted plan gets its own file. */
    public String planFile() {
        String suffix = target == null ? "" : "-" + target.replaceAll("[^A-Za-z0-9_.-]+", "_");
        return STATE_DIR + "/" + environment + suffix + ".tfplan";
    }

    /** A path relative to {@code dir} as a workspace path. */
    public String inWorkspace(String pathInDir) {
        return dir.isEmpty() ? pathInDir : dir + "/" + pathInDir;
    }

    private static String relative(Path dir, Path file) {
        return slashes(dir.relativize(file.normalize()));
    }

    private static String slashes(Path p) {
        return p.toString().replace('\\', '/');
    }
}
