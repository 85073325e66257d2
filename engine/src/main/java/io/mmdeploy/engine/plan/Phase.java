package io.mmdeploy.engine.plan;

import io.mmdeploy.engine.config.ApprovalPolicy;

/** The phases of a deploy, in order (seed 002's four staging phases, spelt out). */
public enum Phase {
    BUILD_IMAGES("build-images", "Build images", null),
    MIGRATIONS("migrations", "Run migrations", null),
    SERVICES_APPLY("services-apply", "Apply services (tofu plan + apply)", ApprovalPolicy.Gate.SERVICES),
    SERVICE_URLS("service-urls", "Store service URLs in Secret Manager", null),
    GATEWAY_BUILD("gateway-build", "Build gateway with service URLs", null),
    GATEWAY_APPLY("gateway-apply", "Apply gateway only (tofu -target)", ApprovalPolicy.Gate.GATEWAY),
    HEALTH("health", "Health-check services and gateway", null);

    private final String id;
    private final String title;
    private final ApprovalPolicy.Gate gate;

    Phase(String id, String title, ApprovalPolicy.Gate gate) {
        this.id = id;
        this.title = title;
        this.gate = gate;
    }

    public String id() {
        return id;
    }

    public String title() {
        return title;
    }

    /** The gate that can stand before this phase's apply, or null when none can. */
    public ApprovalPolicy.Gate gate() {
        return gate;
    }
}
