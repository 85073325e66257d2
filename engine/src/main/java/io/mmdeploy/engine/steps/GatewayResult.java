package io.mmdeploy.engine.steps;

import io.mmdeploy.engine.health.HealthReport;
import io.mmdeploy.engine.images.ImageRef;

/**
 * mmDeployGateway's result.
 *
 * @param image the gateway's image of this run; null when none was built in it yet
 * @param urlsUsed how many service URLs the gateway is built with
 * @param tofu the gateway's plan or apply; null for a build
 * @param health the gateway's health after an apply; null when nothing was applied
 */
public record GatewayResult(ImageRef image, int urlsUsed, TofuResult tofu, HealthReport health) {}
