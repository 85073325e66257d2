package io.mmdeploy.engine.steps;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mmdeploy.engine.config.EnvironmentSpec;
import io.mmdeploy.engine.diagnostics.DeployException;
import io.mmdeploy.engine.images.ImageRef;
import io.mmdeploy.engine.port.Workspace;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The images a deploy built or reused, kept in the workspace between steps: mmBuildImages writes them, the
 * migrations run them, a later mmDeployGateway call reuses the gateway image its buildOnly call made. A step
 * is a separate call with nothing in memory from the one before, so the workspace is where they meet.
 */
final class DeployedImages {
    static final String DIR = ".mm-deploy";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Workspace workspace;

    DeployedImages(Workspace workspace) {
        this.workspace = workspace;
    }

    static String file(EnvironmentSpec env) {
        return DIR + "/" + env.name() + ".images.json";
    }

    /** The images known so far by service (or gateway) name; each as reused ({@code built} false) for later steps. */
    Map<String, ImageRef> read(EnvironmentSpec env) {
        try {
            Optional<String> text = workspace.readText(file(env));
            Map<String, ImageRef> out = new LinkedHashMap<>();
            if (text.isEmpty()) {
                return out;
            }
            Map<String, Stored> stored = JSON.readValue(text.get(), new TypeReference<LinkedHashMap<String, Stored>>() {});
            stored.forEach((name, s) -> out.put(name, new ImageRef(name, s.repository(), s.tags(), s.digest(), false)));
            return out;
        } catch (IOException e) {
            throw DeployException.of("Cannot read " + file(env) + " in " + workspace.describe(),
                    "It holds the images this deploy built (written by mmBuildImages). Build the images again. (" + e.getMessage() + ")");
        }
    }

    /** Adds (or replaces) these images. */
    void remember(EnvironmentSpec env, List<ImageRef> images) {
        Map<String, Stored> all = new LinkedHashMap<>();
        read(env).forEach((name, ref) -> all.put(name, Stored.of(ref)));
        images.forEach(ref -> all.put(ref.service(), Stored.of(ref)));
        try {
            workspace.writeText(file(env), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(all) + "\n");
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("image references always serialise", e);
        } catch (IOException e) {
            throw DeployException.of("Cannot write " + file(env) + " in " + workspace.describe(), String.valueOf(e.getMessage()));
        }
    }

    /** The part of an ImageRef that outlives the step that made it. */
    record Stored(String repository, List<String> tags, String digest) {
        static Stored of(ImageRef ref) {
            return new Stored(ref.repository(), ref.tags(), ref.digest());
        }
    }
}
