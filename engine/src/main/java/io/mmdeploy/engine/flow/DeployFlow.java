package io.mmdeploy.engine.flow;

import io.mmdeploy.engine.config.ApprovalPolicy;
import io.mmdeploy.engine.config.ApprovalPolicy.Gate;
import io.mmdeploy.engine.config.DeployConfig;
import io.mmdeploy.engine.config.EnvironmentSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * The one definition of an environment's deploy: its phases in order with the gates between them. {@code mmdeploy
 * plan} prints it, {@code mmdeploy deploy} runs it, every Jenkins step checks it (a phase refuses to start before
 * the phases it needs), and the shared library's stages are its titles.
 *
 * <p>A gate stands right after the plan it approves, before anything that plan leads to: in a gated environment
 * the services' gate comes before the migrations, so a rejected approval leaves the schema as it was.
 */
public final class DeployFlow {
    private final List<FlowStep> steps;
    private final ApprovalPolicy policy;

    private DeployFlow(List<FlowStep> steps, ApprovalPolicy policy) {
        this.steps = List.copyOf(steps);
        this.policy = policy;
    }

    public static DeployFlow of(DeployConfig config, EnvironmentSpec env) {
        ApprovalPolicy policy = env.approval() == null ? ApprovalPolicy.none() : env.approval();
        return of(policy, !config.migrations().isEmpty(), config.gatewaySpec().isPresent(), env.promotion() != null,
                env.vulnerabilities() != null);
    }

    public static DeployFlow of(ApprovalPolicy policy, boolean hasMigrations, boolean hasGateway) {
        return of(policy, hasMigrations, hasGateway, false, false);
    }

    /**
     * @param promotes the environment takes another environment's images (promoteFrom)
     * @param scans the environment has a vulnerability gate
     */
    public static DeployFlow of(ApprovalPolicy policy, boolean hasMigrations, boolean hasGateway, boolean promotes, boolean scans) {
        List<FlowStep> steps = new ArrayList<>();
        for (Phase phase : Phase.values()) {
            if (!included(phase, hasMigrations, hasGateway, promotes, scans)) {
                continue;
            }
            steps.add(new FlowStep(phase, null));
            Gate gate = gateAfter(phase);
            if (gate != null && policy.gated(gate)) {
                steps.add(new FlowStep(phase, gate));
            }
        }
        return new DeployFlow(steps, policy);
    }

    private static boolean included(Phase phase, boolean hasMigrations, boolean hasGateway, boolean promotes, boolean scans) {
        return switch (phase) {
            case MIGRATIONS -> hasMigrations;
            case PROMOTE_IMAGES -> promotes;
            case VULNERABILITY_SCAN -> scans;
            case GATEWAY_BUILD, GATEWAY_PLAN, GATEWAY_APPLY -> hasGateway;
            default -> true;
        };
    }

    /** The gate that approves the plan a phase makes; null for a phase that makes none. */
    public static Gate gateAfter(Phase phase) {
        return switch (phase) {
            case SERVICES_PLAN -> Gate.SERVICES;
            case GATEWAY_PLAN -> Gate.GATEWAY;
            default -> null;
        };
    }

    /** The plan phase whose plan the apply phase applies; null for a phase that applies none. */
    public static Phase planOf(Phase apply) {
        return switch (apply) {
            case SERVICES_APPLY -> Phase.SERVICES_PLAN;
            case GATEWAY_APPLY -> Phase.GATEWAY_PLAN;
            default -> null;
        };
    }

    /** The apply phase of a plan phase; null for a phase that makes no plan. */
    public static Phase applyOf(Phase plan) {
        return switch (plan) {
            case SERVICES_PLAN -> Phase.SERVICES_APPLY;
            case GATEWAY_PLAN -> Phase.GATEWAY_APPLY;
            default -> null;
        };
    }

    public List<FlowStep> steps() {
        return steps;
    }

    public List<Phase> phases() {
        return steps.stream().filter(s -> !s.isGate()).map(FlowStep::phase).toList();
    }

    public boolean includes(Phase phase) {
        return phases().contains(phase);
    }

    /**
     * What a phase reads, in this flow: its needs, where a need the flow leaves out stands for the needs of that
     * one (no migrations: the apply needs only its plan; no gateway: health needs the services' apply).
     */
    public List<Phase> prerequisites(Phase phase) {
        List<Phase> out = new ArrayList<>();
        for (Phase need : needs(phase)) {
            if (includes(need)) {
                out.add(need);
            } else {
                prerequisites(need).stream().filter(p -> !out.contains(p)).forEach(out::add);
            }
        }
        return out;
    }

    /**
     * A phase's needs under this policy. Migrations go with the services plan only where a person approves it (so a
     * rejected gate leaves the schema as it was); without that gate they run beside the plan, and the apply waits for both.
     */
    private List<Phase> needs(Phase phase) {
        if (phase == Phase.MIGRATIONS && !policy.gated(Gate.SERVICES)) {
            return phase.needs().stream().filter(p -> p != Phase.SERVICES_PLAN).toList();
        }
        return phase.needs();
    }

    /** The gate a phase waits for: the one after a plan it needs, where the policy has it; null for none. */
    public Gate gateBefore(Phase phase) {
        for (Phase need : prerequisites(phase)) {
            Gate gate = gateAfter(need);
            if (gate != null && policy.gated(gate)) {
                return gate;
            }
        }
        return null;
    }

    /**
     * Where no person approves either plan, the gateway goes in the services' plan and apply when its image is ready by
     * then and was built with the services' current URLs: its own plan and apply are then already done. The services'
     * plan waits for the gateway's build for that (it runs beside the builds, and saves a plan and an apply).
     */
    public boolean plansGatewayWithServices() {
        return includes(Phase.GATEWAY_BUILD) && !policy.gated(Gate.SERVICES) && !policy.gated(Gate.GATEWAY);
    }

    /**
     * Where no person approves the services' plan and no scan must pass first, a run that builds in the same process
     * starts each migration as soon as its own service's image is ready: the migrations phase then waits for the
     * builds' images itself rather than for the whole build phase. A step run alone (Jenkins, the CLI's step command)
     * still needs the build phase to have succeeded.
     */
    public boolean migratesAsImagesReady() {
        return includes(Phase.MIGRATIONS) && !policy.gated(Gate.SERVICES) && !includes(Phase.VULNERABILITY_SCAN);
    }

    /**
     * What a run that schedules the flow as a graph waits for before it starts a phase: its prerequisites, except that
     * migrations that wait for their images themselves ({@link #migratesAsImagesReady}) wait for what the builds wait for.
     */
    public List<Phase> startsAfter(Phase phase) {
        if (phase != Phase.MIGRATIONS || !migratesAsImagesReady()) {
            return prerequisites(phase);
        }
        List<Phase> out = new ArrayList<>();
        for (Phase need : prerequisites(phase)) {
            for (Phase p : need == Phase.BUILD_IMAGES ? prerequisites(Phase.BUILD_IMAGES) : List.of(need)) {
                if (!out.contains(p)) {
                    out.add(p);
                }
            }
        }
        return out;
    }

    public long gateCount() {
        return steps.stream().filter(FlowStep::isGate).count();
    }

    /** The stage names, in order: what each pipeline of the shared library must show. */
    public List<String> titles() {
        return steps.stream().map(FlowStep::title).toList();
    }
}
