package io.mmdeploy.engine.steps;

import java.util.Map;

/** mmServiceUrls' result: each service's URL, stored as {@code secretVersion} of the URLs secret. */
public record UrlsResult(Map<String, String> urls, String secretVersion) {
    public UrlsResult {
        urls = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(urls));
    }
}
