package io.mmdeploy.engine.tofu;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mmdeploy.engine.port.SecretMask;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The root module's outputs from {@code output -json} (tofu-cli.md §5). Sensitive values come in clear text
 * from tofu; they are registered with the run's {@link SecretMask} on parsing and never leave this object
 * except through {@link #value(String)}, which a caller uses on purpose.
 */
public final class TofuOutputs {
    /** The output that maps each Cloud Run service to its URL, when the infra declares it. */
    public static final String SERVICE_URLS = "service_urls";
    static final String REDACTED = "(sensitive)";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, Output> outputs;

    private TofuOutputs(Map<String, Output> outputs) {
        this.outputs = Collections.unmodifiableMap(outputs);
    }

    /** One output; its text form never shows a sensitive value. */
    public record Output(String name, boolean sensitive, JsonNode type, JsonNode value) {
        @Override
        public String toString() {
            return name + "=" + (sensitive ? REDACTED : value);
        }
    }

    public static TofuOutputs parse(JsonNode json, SecretMask mask) {
        Map<String, Output> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : json.properties()) {
            boolean sensitive = e.getValue().path("sensitive").asBoolean(false);
            JsonNode value = e.getValue().path("value");
            if (sensitive) {
                registerLeaves(value, mask);
            }
            out.put(e.getKey(), new Output(e.getKey(), sensitive, e.getValue().path("type"), value));
        }
        return new TofuOutputs(out);
    }

    private static void registerLeaves(JsonNode value, SecretMask mask) {
        if (value.isContainerNode()) {
            value.forEach(v -> registerLeaves(v, mask));
        } else if (!value.isNull() && !value.isMissingNode()) {
            mask.add(value.asText());
        }
    }

    public Map<String, Output> all() {
        return outputs;
    }

    public Optional<JsonNode> value(String name) {
        return Optional.ofNullable(outputs.get(name)).map(Output::value);
    }

    /** Every output as plain values (String, Number, Boolean, List, Map), sensitive ones as {@code (sensitive)}. */
    public Map<String, Object> redacted() {
        Map<String, Object> out = new LinkedHashMap<>();
        outputs.forEach((name, o) -> out.put(name, o.sensitive() ? REDACTED : JSON.convertValue(o.value(), Object.class)));
        return Collections.unmodifiableMap(out);
    }

    /**
     * Service → URL from the {@value #SERVICE_URLS} output (a map or object of strings), when the infra declares
     * it and it is not sensitive; empty otherwise. The keys are the output's own (MindMirror: Cloud Run names).
     */
    public Map<String, String> serviceUrls() {
        Output o = outputs.get(SERVICE_URLS);
        Map<String, String> out = new LinkedHashMap<>();
        if (o == null || o.sensitive() || !o.value().isObject()) {
            return Map.of();
        }
        for (Map.Entry<String, JsonNode> e : o.value().properties()) {
            if (e.getValue().isTextual()) {
                out.put(e.getKey(), e.getValue().asText());
            }
        }
        return Collections.unmodifiableMap(out);
    }

    @Override
    public String toString() {
        return redacted().toString();
    }
}
