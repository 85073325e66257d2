package io.mmdeploy.engine.flow;

import java.util.List;

/**
 * The phases of a deploy, in the one order every host lists them (seed 002's four staging phases, spelt out). Each
 * names the phases whose results it needs and the step that provides it, so that a phase asked for too early
 * refuses and says what to do; those needs are the edges of the {@link FlowGraph} a run may follow in parallel.
 * The title is the stage name the shared library shows.
 */
public enum Phase {
    PREFLIGHT("preflight", "Preflight", "mmPreflight / mmRelease(phase: 'start')", List.of()),
    /** Only where the environment has promoteFrom: staging's images of this commit, copied by digest. */
    PROMOTE_IMAGES("promote-images", "Promote images", "mmPromoteImages", List.of("preflight")),
    BUILD_IMAGES("build-images", "Build images", "mmBuildImages", List.of("promote-images")),
    /** Only where the environment has a vulnerability gate: the pushed images' findings, before anything changes. */
    VULNERABILITY_SCAN("vulnerability-scan", "Vulnerability scan", "mmVulnerabilityGate", List.of("build-images")),
    // Built with the URLs the services will have (they keep theirs; a new one's is deterministic), beside the builds;
    // the gateway's plan rebuilds it only when the published URLs turn out different.
    GATEWAY_BUILD("gateway-build", "Gateway build", "mmDeployGateway(buildOnly: true)", List.of("preflight")),
    SERVICES_PLAN("services-plan", "Services plan", "mmApplyTofu(planOnly: true)", List.of("build-images", "vulnerability-scan")),
    // The schema is the environment too: nothing migrates before the images passed their scan.
    MIGRATIONS("migrations", "Migrations", "mmRunMigrations", List.of("build-images", "vulnerability-scan", "services-plan")),
    SERVICES_APPLY("services-apply", "Services apply", "mmApplyTofu(approvedPlanHash: …)", List.of("services-plan", "migrations")),
    SERVICE_URLS("service-urls", "Service URLs secret", "mmServiceUrls", List.of("services-apply")),
    GATEWAY_PLAN("gateway-plan", "Gateway plan", "mmDeployGateway(planOnly: true)", List.of("gateway-build", "service-urls")),
    GATEWAY_APPLY("gateway-apply", "Gateway apply", "mmDeployGateway(approvedPlanHash: …)", List.of("gateway-plan")),
    HEALTH("health", "Health", "mmHealthCheck", List.of("services-apply", "gateway-apply")),
    // The app's own answers (seed 001: the gateway federates), once everything is healthy; a failure moves traffic back.
    SMOKE_TESTS("smoke-tests", "Smoke tests", "mmSmokeTest", List.of("health")),
    RELEASE("release", "Release record", "mmRelease(phase: 'finish')", List.of("smoke-tests")),
    ALIAS("alias", "Alias", "mmMoveAlias", List.of("release"));

    private final String id;
    private final String title;
    private final String step;
    private final List<String> needs;

    Phase(String id, String title, String step, List<String> needs) {
        this.id = id;
        this.title = title;
        this.step = step;
        this.needs = needs;
    }

    public String id() {
        return id;
    }

    public String title() {
        return title;
    }

    /** The Jenkins step (and, by its phase id, the CLI command) that runs the phase. */
    public String step() {
        return step;
    }

    /** The phases whose results this one reads; a phase the flow leaves out (no gateway, no migrations) is skipped over. */
    public List<Phase> needs() {
        return needs.stream().map(Phase::of).toList();
    }

    public static Phase of(String id) {
        for (Phase p : values()) {
            if (p.id.equals(id)) {
                return p;
            }
        }
        throw new IllegalArgumentException("no phase " + id);
    }
}
