package io.mmdeploy.engine.serviceurls;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The deployed services' URLs, by service name. Stored as the seed's JSON form,
 * {@code {"agent_service_url": "https://…", …}}, so the existing gateway workflows can read it too.
 */
public record ServiceUrls(Map<String, String> byService) {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String KEY_SUFFIX = "_service_url";

    public ServiceUrls {
        byService = Collections.unmodifiableMap(new LinkedHashMap<>(byService));
    }

    public Optional<String> url(String service) {
        return Optional.ofNullable(byService.get(service));
    }

    /** The JSON key of a service: {@code agent} → {@code agent_service_url}. */
    public static String key(String service) {
        return service.replace('-', '_') + KEY_SUFFIX;
    }

    public String toJson() {
        ObjectNode root = JSON.createObjectNode();
        byService.forEach((service, url) -> root.put(key(service), url));
        try {
            return JSON.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a map of strings always serialises", e);
        }
    }

    /**
     * Parses the stored JSON; keys are mapped back to service names with {@code _} read as written in the
     * config's names ({@code -} and {@code _} both become {@code _} in keys, so {@code knownServices} decides).
     *
     * @return empty when the text is not a JSON object of string URLs (the caller words the error, without the text)
     */
    public static Optional<ServiceUrls> parse(String json, Iterable<String> knownServices) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            return Optional.empty();
        }
        if (root == null || !root.isObject()) {
            return Optional.empty();
        }
        Map<String, String> byKey = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> field : root.properties()) {
            if (!field.getValue().isTextual() || !field.getValue().asText().startsWith("http")) {
                return Optional.empty();
            }
            byKey.put(field.getKey(), field.getValue().asText());
        }
        Map<String, String> byService = new LinkedHashMap<>();
        for (String service : knownServices) {
            String url = byKey.get(key(service));
            if (url != null) {
                byService.put(service, url);
            }
        }
        return Optional.of(new ServiceUrls(byService));
    }
}
