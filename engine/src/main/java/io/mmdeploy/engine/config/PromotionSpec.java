package io.mmdeploy.engine.config;

/**
 * Build once, promote by digest: an environment that takes the images another environment deployed instead of
 * building them again.
 *
 * @param from the environment whose successful deploy of the same commit is promoted ({@code promoteFrom})
 * @param required refuse a commit that {@code from} did not deploy successfully, instead of building it
 *     ({@code requirePromotion})
 */
public record PromotionSpec(String from, boolean required) {}
