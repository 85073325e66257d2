package io.mmdeploy.engine.config;

import java.util.List;
import java.util.Map;

/**
 * How one image is built. All paths are relative to the directory of the config file (the app repo root).
 *
 * @param context the docker build context
 * @param dockerfile the Dockerfile (default {@code <context>/Dockerfile})
 * @param args build args passed as {@code --build-arg KEY=VALUE}, in order
 * @param watch the paths whose content the image is built from; their git tree hashes make the
 *     fingerprint that decides whether the image must be rebuilt (default: the context)
 */
public record BuildSpec(String context, String dockerfile, Map<String, String> args, List<String> watch) {
    public BuildSpec {
        args = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(args));
        watch = List.copyOf(watch);
    }
}
