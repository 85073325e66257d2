package io.mmdeploy.engine.steps;

import io.mmdeploy.engine.config.EnvironmentSpec;
import io.mmdeploy.engine.gateway.BuildGateway;
import io.mmdeploy.engine.config.GatewaySpec;
import io.mmdeploy.engine.diagnostics.DeployException;
import io.mmdeploy.engine.flow.Phase;
import io.mmdeploy.engine.gcp.GoogleClients;
import io.mmdeploy.engine.health.HealthReport;
import io.mmdeploy.engine.images.ImageRef;
import io.mmdeploy.engine.lease.Lease;
import io.mmdeploy.engine.plan.ServicePlan;
import io.mmdeploy.engine.serviceurls.CloudRunUrls;
import io.mmdeploy.engine.serviceurls.ServiceUrls;
import io.mmdeploy.engine.serviceurls.ServiceUrlsSecret;
import java.util.List;

/**
 * mmDeployGateway. A build makes (or reuses) the gateway image: beside the services' builds, with the URLs the
 * services are expected to have; otherwise the gateway's targeted plan or apply (with an image built with the URLs the
 * services published in this run), and after an apply its health.
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
        if (approvedPlanHash == null) {
            rebuildIfTheUrlsChanged(env);
        }
        TofuResult result = tofu.planOrApply(env, Phase.GATEWAY_PLAN, planOnly, approvedPlanHash);
        ImageRef image = run.journal.read(env.name()).imageRefs().get(gateway.name());
        // Applied now: checked now. Applied earlier (with the services, or before a rerun): the Health phase checks it.
        HealthReport healthy = result.applied() && !result.skipped() ? health.check(env, List.of(gateway.name())) : null;
        return new GatewayResult(image, gateway.serviceUrlArgs().size(), result, healthy);
    }

    /**
     * Before the services' URLs are published in this run, the gateway is built with the URLs they are expected to
     * have; after, with the published ones. Its phase record keeps which URLs it was built with.
     */
    private ImageRef build(EnvironmentSpec env) throws InterruptedException {
        ServicePlan planned = run.plan(env).gateway();
        RunJournal.Entry entry = run.guard(env, Phase.GATEWAY_BUILD);
        boolean published = entry.succeeded(Phase.SERVICE_URLS);
        ImageRef image;
        String urlsBuiltWith;
        try (GoogleClients clients = run.open(env, run.stages.settings().buildTimeout());
                Lease.KeptAlive held = run.keepAlive(run.lease(env, clients, entry))) {
            try {
                ServiceUrls urls = published
                        ? run.stages.urlsSecret(clients).read(env, run.config.httpServices().stream().map(s -> s.name()).toList())
                        : new CloudRunUrls(clients.services()).expected(env, run.config.httpServices());
                urlsBuiltWith = UrlsPhase.fingerprint(urls);
                image = run.stages.gatewayBuild(env, clients).run(run.config, env, planned.buildFingerprint(), planned.buildTags(), urls,
                        published ? "secret " + ServiceUrlsSecret.secretId(env) : "expected service URLs");
            } catch (RuntimeException e) {
                run.failed(env, Phase.GATEWAY_BUILD, e);
                throw e;
            }
        }
        run.journal.update(env.name(), d -> {
            d.images(List.of(image));
            d.phase(Phase.GATEWAY_BUILD, RunJournal.SUCCEEDED, urlsBuiltWith, run.now(),
                    (image.built() ? "built " : "reused ") + image.ref() + (published ? "" : " (expected URLs)"));
        });
        return image;
    }

    /**
     * The gateway is planned only with an image built with the URLs the services published in this run: when the
     * expected ones turned out wrong, it is built again now, so the image with wrong URLs is never applied.
     */
    private void rebuildIfTheUrlsChanged(EnvironmentSpec env) throws InterruptedException {
        RunJournal.Entry entry = run.journal.read(env.name());
        RunJournal.PhaseRecord built = entry.phase(Phase.GATEWAY_BUILD);
        RunJournal.PhaseRecord urls = entry.phase(Phase.SERVICE_URLS);
        if (built == null || urls == null || !built.succeeded() || !urls.succeeded() || urls.inputs().equals(built.inputs())) {
            return; // the flow's guard refuses what is missing; equal URLs: the image stands
        }
        run.stages.log(BuildGateway.STAGE).warn("The gateway was built with URLs other than the ones the services published: building it again");
        build(env);
    }
}
