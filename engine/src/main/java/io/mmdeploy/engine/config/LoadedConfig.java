package io.mmdeploy.engine.config;

import io.mmdeploy.engine.diagnostics.Diagnostic;
import java.util.List;

/** A config that passed validation, with the warnings it raised on the way. */
public record LoadedConfig(DeployConfig config, List<Diagnostic> warnings) {
    public LoadedConfig {
        warnings = List.copyOf(warnings);
    }
}
