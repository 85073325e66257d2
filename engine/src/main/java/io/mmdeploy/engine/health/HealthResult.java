package io.mmdeploy.engine.health;

/**
 * How one target's health check ended.
 *
 * @param attempts requests made
 * @param lastStatus the HTTP status of the last answer; 0 when there was none (connection failed)
 * @param millis time from the first request to the verdict
 * @param detail why the last answer was not healthy; empty when healthy
 */
public record HealthResult(String name, String url, boolean healthy, int attempts, int lastStatus, long millis, String detail) {}
