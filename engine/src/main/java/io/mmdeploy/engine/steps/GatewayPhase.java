package io.mmdeploy.engine.steps;

import io.mmdeploy.engine.config.EnvironmentSpec;
import io.mmdeploy.engine.config.GatewaySpec;
import io.mmdeploy.engine.diagnostics.DeployException;
import io.mmdeploy.engine.flow.Phase;
import io.mmdeploy.engine.gcp.GoogleClients;
import io.mmdeploy.engine.health.HealthReport;
import io.mmdeploy.engine.images.ImageRef;
import io.mmdeploy.engine.lease.Lease;
import io.mmdeploy.engine.plan.ServicePlan;
import java.util.List;

/**
 * mmDeployGateway. A build makes (or reuses) the gateway image with the URLs this run published; otherwise the
 * gateway's targeted plan or apply, and after an apply its health.
 */
final class GatewayPhase {
    private final RunContext run;
    private final TofuPhase tofu;
    private final HealthPhase health;

    GatewayPhase(RunContext run, TofuPhase tofu, HealthPhase health) {
        this.run = run;
        this.tofu = tofu;
        this.health = health;
    }

    GatewayResult deploy(EnvironmentSpec env, boolean buildOnly, boolean planOnly, String approvedPlanHash) throws InterruptedException {
        GatewaySpec gateway = run.config.gatewaySpec().orElseThrow(() -> DeployException.of(
                "The app has no gateway", run.config.file() + " has no gateway section, so mmDeployGateway has nothing to deploy."));
        if (buildOnly) {
            if (planOnly || approvedPlanHash != null) {
                throw DeployException.of("buildOnly with planOnly or approvedPlanHash",
                        "buildOnly builds the gateway image and stops before any plan; call mmDeployGateway again to plan or apply.");
            }
            return new GatewayResult(build(env), gateway.serviceUrlArgs().size(), null, null);
        }
        TofuResult result = tofu.planOrApply(env, Phase.GATEWAY_PLAN, planOnly, approvedPlanHash);
        ImageRef image = run.journal.read(env.name()).imageRefs().get(gateway.name());
        HealthReport healthy = result.applied() ? health.check(env, List.of(gateway.name())) : null;
        return new GatewayResult(image, gateway.serviceUrlArgs().size(), result, healthy);
    }

    private ImageRef build(EnvironmentSpec env) throws InterruptedException {
        ServicePlan planned = run.plan(env).gateway();
        RunJournal.Entry entry = run.guard(env, Phase.GATEWAY_BUILD);
        ImageRef image;
        try (GoogleClients clients = run.open(env, run.stages.settings().buildTimeout());
                Lease.KeptAlive held = Lease.keepAlive(run.lease(env, clients, entry), run.stages.log("lease"))) {
            try {
                image = run.stages.gatewayBuild(env, clients).run(run.config, env, planned.buildFingerprint(), planned.buildTags());
            } catch (RuntimeException e) {
                run.failed(env, Phase.GATEWAY_BUILD, e);
                throw e;
            }
        }
        run.journal.update(env.name(), d -> {
            d.images(List.of(image));
            d.phase(Phase.GATEWAY_BUILD, RunJournal.SUCCEEDED, image.ref(), run.now(), image.built() ? "built" : "reused");
        });
        return image;
    }
}
