package io.mmdeploy.engine.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One HTTP check of a deployed service or gateway, run once after the health check and before the release is
 * recorded (seed 001: the gateway's {@code POST /graphql} {@code {"query":"{ __typename }"}} answers 200 without
 * {@code errors}).
 *
 * @param name unique among the target's checks; how the record and the log name it
 * @param method GET, POST, PUT, PATCH, DELETE or HEAD
 * @param path the URL path, from the service's base URL
 * @param headers header name → its value, given in the config or read from Secret Manager
 * @param body the request body; null for none
 * @param status the HTTP status expected
 * @param json what the answer's JSON body must hold, by JSON Pointer
 */
public record SmokeTestSpec(String name, String method, String path, Map<String, HeaderValue> headers, String body, int status,
        List<JsonExpectation> json) {
    public static final List<String> METHODS = List.of("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD");

    public SmokeTestSpec {
        headers = Collections.unmodifiableMap(new LinkedHashMap<>(headers));
        json = List.copyOf(json);
    }

    /**
     * A header's value: the text itself, or the payload of a secret of the environment's Secret Manager (its latest
     * version), after {@code prefix} (e.g. {@code "Bearer "}). A secret's payload is masked in every log and never
     * recorded.
     *
     * @param text the value; null when it comes from a secret
     * @param secret the secret's id in the environment's project; null for a plain value
     */
    public record HeaderValue(String text, String secret, String prefix) {
        public static HeaderValue plain(String text) {
            return new HeaderValue(text, null, null);
        }

        public static HeaderValue fromSecret(String secret, String prefix) {
            return new HeaderValue(null, secret, prefix == null ? "" : prefix);
        }

        public boolean isSecret() {
            return secret != null;
        }
    }

    /**
     * One expectation on the JSON body.
     *
     * @param pointer a JSON Pointer ({@code /data/__typename}, {@code /errors})
     * @param equals the value the pointer must hold (a string, number or boolean, compared as JSON); null when only
     *     presence is checked
     * @param present whether the pointer must exist ({@code false}: {@code absent: true})
     */
    public record JsonExpectation(String pointer, Object equals, boolean present) {
        public String describe() {
            if (!present) {
                return pointer + " absent";
            }
            return equals == null ? pointer + " present" : pointer + " = " + equals;
        }
    }
}
