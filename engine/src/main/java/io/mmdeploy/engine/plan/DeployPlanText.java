package io.mmdeploy.engine.plan;

import io.mmdeploy.engine.config.ApprovalPolicy;
import io.mmdeploy.engine.config.DeployConfig;
import io.mmdeploy.engine.config.EnvironmentSpec;
import io.mmdeploy.engine.config.MigrationSpec;
import io.mmdeploy.engine.config.RolloutPolicy;
import io.mmdeploy.engine.diagnostics.Diagnostic;
import io.mmdeploy.engine.flow.FlowStep;
import io.mmdeploy.engine.flow.Phase;
import io.mmdeploy.engine.source.ImageTags;
import io.mmdeploy.engine.isolation.IsolationViolation;
import java.util.Locale;
import java.util.stream.Collectors;

/** Renders a {@link DeployPlan} for a terminal or a build log. */
public final class DeployPlanText {
    private final DeployConfig config;

    public DeployPlanText(DeployConfig config) {
        this.config = config;
    }

    public String render(DeployPlan plan) {
        EnvironmentSpec env = config.environment(plan.environment());
        StringBuilder out = new StringBuilder();
        out.append("mm-deploy plan: ").append(config.app()).append(" -> ").append(plan.environment())
                .append(" (project ").append(plan.projectId()).append(", ").append(env.region()).append(")\n");
        if (plan.revision() != null) {
            out.append("Commit: ").append(plan.revision().shortSha()).append(" on ").append(plan.revision().branch())
                    .append(plan.since() == null ? " (no --since: every image is built)" : " (compared with " + plan.since() + ")").append('\n');
        }
        out.append('\n');
        if (plan.isolated()) {
            out.append("Preflight: OK, ").append(plan.environment()).append(" shares no resource with ")
                    .append(config.environments().keySet().stream().filter(n -> !n.equals(plan.environment())).collect(Collectors.joining(", ")))
                    .append('\n');
        } else {
            out.append("Preflight: ").append(plan.violations().size()).append(" isolation violation(s); a deploy would refuse to start\n");
            for (IsolationViolation v : plan.violations()) {
                out.append("  - [").append(v.rule()).append("] ").append(v.summary()).append('\n');
            }
        }
        out.append('\n');
        String promoteFrom = env.promotion() == null ? null : env.promotion().from();
        if (promoteFrom != null) {
            String commit = plan.revision() == null ? "this commit" : plan.revision().shortSha();
            out.append("Images: promoted from ").append(promoteFrom).append(" by digest when ").append(promoteFrom).append(" deployed ")
                    .append(commit).append(" successfully (its registry read with its credentials, ").append(plan.environment())
                    .append("'s written with its own)")
                    .append(env.promotion().required() ? "; requirePromotion: any other commit is refused" : "; else built")
                    .append("\n");
            out.append("  (the gateway is always built here: it carries ").append(plan.environment()).append("'s service URLs)\n");
        }
        out.append(promoteFrom != null ? "Images if built:" : "Images:").append(" ").append(plan.rebuildCount()).append(" of ")
                .append(plan.services().size()).append(" service(s) would be built");
        if (!plan.services().isEmpty() && !plan.services().get(0).tags().isEmpty()) {
            out.append(", tagged ").append(String.join(", ", plan.services().get(0).tags()));
        }
        out.append('\n');
        int width = plan.services().stream().mapToInt(s -> s.name().length()).max().orElse(4);
        if (plan.gateway() != null) {
            width = Math.max(width, plan.gateway().name().length());
        }
        for (ServicePlan s : plan.services()) {
            line(out, s, width, promoteFrom);
        }
        if (plan.gateway() != null) {
            line(out, plan.gateway(), width, null);
        }
        out.append('\n').append("Phases:\n");
        int n = 1;
        for (FlowStep step : plan.flow()) {
            if (step.isGate()) {
                ApprovalPolicy policy = env.approval();
                out.append("     GATE ").append(step.gate().id()).append(": waits for approval of that plan")
                        .append(policy.submitters().isEmpty() ? "" : " by " + String.join(", ", policy.submitters()))
                        .append(", times out after ").append(policy.timeout().toMinutes()).append(" min")
                        .append(policy.fourEyes() ? ", four-eyes (the build's starter cannot approve)" : "").append('\n');
                continue;
            }
            out.append(String.format("  %2d. %-15s %s", n++, step.phase().id(), describe(step.phase(), env)));
            out.append('\n');
        }
        out.append('\n');
        out.append(plan.gateCount() == 0
                ? "No approval gates: " + plan.environment() + " deploys by itself.\n"
                : plan.gateCount() + " approval gate(s).\n");
        out.append("After success the tag ").append(plan.alias()).append(" moves to the deployed digests.\n");
        for (Diagnostic w : plan.warnings()) {
            out.append('\n').append(w.render()).append('\n');
        }
        return out.toString();
    }

    private String describe(Phase phase, EnvironmentSpec env) {
        return switch (phase) {
            case PREFLIGHT -> "Isolation preflight, the environment's lease, release record started";
            case PROMOTE_IMAGES -> "Copy " + env.promotion().from() + "'s images of this commit by digest (same digests"
                    + (env.promotion().required() ? "; refused when " + env.promotion().from() + " did not deploy it)" : "; else they are built)");
            case BUILD_IMAGES -> env.promotion() == null ? "Build changed images (Cloud Build, in parallel)"
                    : "Build changed images when nothing was promoted (Cloud Build, in parallel)";
            case VULNERABILITY_SCAN -> "Wait for Artifact Analysis' scans; block on " + env.vulnerabilities().threshold().id()
                    + (env.vulnerabilities().threshold().id().equals("HIGH") ? " or CRITICAL" : "") + " findings not allowlisted"
                    + (env.vulnerabilities().warnOnTimeout() ? " (an unfinished scan warns)" : " (an unfinished scan blocks)");
            case SERVICES_PLAN -> "Write image variables (this run's images + the live release's), tofu plan";
            case MIGRATIONS -> "Run migrations (Cloud Run Jobs): " + config.migrations().stream()
                    .map((MigrationSpec m) -> m.cloudRunJob(env)).collect(Collectors.joining(", "));
            case SERVICES_APPLY -> env.rollout() == null ? "Apply exactly that services plan; traffic to the new revisions at once"
                    : "Apply exactly that services plan; then each new revision as a canary: " + rollout(env.rollout());
            case SERVICE_URLS -> "Store service URLs in Secret Manager (" + env.serviceUrlsSecret() + ")";
            case GATEWAY_BUILD -> "Build the gateway with the URLs the services will have (beside their builds)";
            case GATEWAY_PLAN -> "Gateway-only tofu plan (-target)";
            case GATEWAY_APPLY -> "Apply exactly that gateway plan";
            case HEALTH -> "Health-check services and gateway (traffic back on failure)";
            case SMOKE_TESTS -> smokeTests();
            case RELEASE -> "Record the release (Secret Manager)";
            case ALIAS -> "Move " + new ImageTags(env).alias() + " to the deployed digests";
        };
    }

    private static String rollout(RolloutPolicy r) {
        return "tagged at 0 % (its smoke tests), then " + r.steps().stream().map(p -> p + " %").collect(Collectors.joining(", "))
                + ", each step held " + r.hold().toSeconds() + " s and judged on Cloud Monitoring (5xx ≤ "
                + String.format(Locale.ROOT, "%.2f", r.analysis().maxErrorPercent()) + " %, p95 ≤ " + r.analysis().maxP95().toMillis()
                + " ms); a breach moves the traffic back";
    }

    private String smokeTests() {
        long count = config.services().stream().mapToLong(s -> s.smokeTests().size()).sum()
                + config.gatewaySpec().map(g -> (long) g.smokeTests().size()).orElse(0L);
        return count == 0 ? "Smoke tests: none configured" : "Run " + count + " smoke test(s) (all traffic back on a failure)";
    }

    private static void line(StringBuilder out, ServicePlan s, int width, String promoteFrom) {
        String action = promoteFrom != null ? "promote" : s.rebuild() ? "build" : "reuse";
        out.append(String.format("  %-" + width + "s  %-7s %s  %s%n", s.name(), action, s.repository(),
                (s.fingerprint() == null ? "" : "[fp " + s.fingerprint().substring(0, 12) + "] ") + s.reason()));
    }
}
