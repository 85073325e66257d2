package io.mmdeploy.engine.config;

import java.util.List;

/**
 * Where an environment's OpenTofu configuration lives. Paths are relative to the config file's directory.
 *
 * @param dir the root module ({@code tofu -chdir})
 * @param varFiles the environment's var files, passed as {@code -var-file} in order; the first one is
 *     where image references are written
 * @param backendConfig the backend config file for {@code init -backend-config}; may be null (local state)
 */
public record TofuSpec(String dir, List<String> varFiles, String backendConfig) {
    public TofuSpec {
        varFiles = List.copyOf(varFiles);
    }

    /** The var file that receives the image references. */
    public String imageVarFile() {
        return varFiles.get(0);
    }
}
