package io.mmdeploy.engine.steps;

import java.util.Map;

/** mmMoveAlias' result: the alias tag, and each image it now names ({@code repository@digest}). */
public record AliasResult(String alias, Map<String, String> images) {
    public AliasResult {
        images = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(images));
    }
}
