package io.mmdeploy.engine.release;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.mmdeploy.engine.diagnostics.DeployException;

/** The JSON form of {@link ReleaseRecord}s: compact for storage, indented for people. */
public final class ReleaseJson {
    private static final ObjectMapper JSON = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            // Newer writers may add optional fields; the schema version says when a reader must refuse.
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private ReleaseJson() {}

    public static String compact(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("release records always serialise", e);
        }
    }

    public static String pretty(Object value) {
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("release records always serialise", e);
        }
    }

    /** Our own JSON text (a stage's summary) as a tree. */
    public static JsonNode tree(String json) {
        try {
            return JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a stage's own JSON always parses", e);
        }
    }

    /**
     * @param where names the stored copy for the error (e.g. the secret version), never its content
     */
    public static ReleaseRecord read(String json, String where) {
        JsonNode tree;
        try {
            tree = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw unreadable(where, "it is not JSON");
        }
        if (tree == null || !tree.isObject() || !tree.path("schemaVersion").isInt()) {
            throw unreadable(where, "it has no schemaVersion");
        }
        int version = tree.get("schemaVersion").asInt();
        if (version > ReleaseRecord.SCHEMA_VERSION) {
            throw DeployException.of("Release record " + where + " has schema version " + version,
                    "This mm-deploy reads release records up to version " + ReleaseRecord.SCHEMA_VERSION
                            + ". Use a newer mm-deploy.");
        }
        try {
            return JSON.treeToValue(tree, ReleaseRecord.class);
        } catch (JsonProcessingException | RuntimeException e) {
            throw unreadable(where, "it does not match resources/mm-release.schema.json");
        }
    }

    private static DeployException unreadable(String where, String why) {
        return DeployException.of("Release record " + where + " cannot be read",
                why + ". Release records are written only by mm-deploy; check who else writes to this secret.");
    }
}
