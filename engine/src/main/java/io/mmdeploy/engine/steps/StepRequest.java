package io.mmdeploy.engine.steps;

import io.mmdeploy.engine.approval.GatePlan;
import io.mmdeploy.engine.health.HealthReport;
import io.mmdeploy.engine.smoke.SmokeReport;
import java.util.List;

/**
 * One call of a deploy step, with its parameters as the host took them (a Jenkins step's fields): what the host
 * hands the engine, so a host's tests check the request, and {@link #runOn} is the one place a request meets
 * {@link DeploySteps}.
 *
 * @param <R> the step's typed result
 */
public sealed interface StepRequest<R> {
    String environment();

    R runOn(DeploySteps steps) throws InterruptedException;

    record Preflight(String environment) implements StepRequest<PreflightResult> {
        @Override
        public PreflightResult runOn(DeploySteps steps) throws InterruptedException {
            return steps.preflight(environment);
        }
    }

    record PromoteImages(String environment) implements StepRequest<ImagesResult> {
        @Override
        public ImagesResult runOn(DeploySteps steps) throws InterruptedException {
            return steps.promoteImages(environment);
        }
    }

    record VulnerabilityScan(String environment) implements StepRequest<ScanResult> {
        @Override
        public ScanResult runOn(DeploySteps steps) throws InterruptedException {
            return steps.vulnerabilityScan(environment);
        }
    }

    /** @param services null for all */
    record BuildImages(String environment, List<String> services, String builder) implements StepRequest<ImagesResult> {
        public BuildImages {
            services = services == null ? null : List.copyOf(services);
        }

        @Override
        public ImagesResult runOn(DeploySteps steps) throws InterruptedException {
            return steps.buildImages(environment, services, builder);
        }
    }

    record RunMigrations(String environment) implements StepRequest<MigrationsResult> {
        @Override
        public MigrationsResult runOn(DeploySteps steps) throws InterruptedException {
            return steps.runMigrations(environment);
        }
    }

    record ApplyTofu(String environment, String target, boolean planOnly, String approvedPlanHash) implements StepRequest<TofuResult> {
        @Override
        public TofuResult runOn(DeploySteps steps) throws InterruptedException {
            return steps.applyTofu(environment, target, planOnly, approvedPlanHash);
        }
    }

    record OpenGate(String environment, String gate) implements StepRequest<GatePlan> {
        @Override
        public GatePlan runOn(DeploySteps steps) {
            return steps.openGate(environment, gate);
        }
    }

    record ServiceUrls(String environment) implements StepRequest<UrlsResult> {
        @Override
        public UrlsResult runOn(DeploySteps steps) throws InterruptedException {
            return steps.serviceUrls(environment);
        }
    }

    record DeployGateway(String environment, boolean buildOnly, boolean planOnly, String approvedPlanHash)
            implements StepRequest<GatewayResult> {
        @Override
        public GatewayResult runOn(DeploySteps steps) throws InterruptedException {
            return steps.deployGateway(environment, buildOnly, planOnly, approvedPlanHash);
        }
    }

    /** @param services null for all and the gateway */
    record HealthCheck(String environment, List<String> services) implements StepRequest<HealthReport> {
        public HealthCheck {
            services = services == null ? null : List.copyOf(services);
        }

        @Override
        public HealthReport runOn(DeploySteps steps) throws InterruptedException {
            return steps.healthCheck(environment, services);
        }
    }

    record SmokeTest(String environment) implements StepRequest<SmokeReport> {
        @Override
        public SmokeReport runOn(DeploySteps steps) throws InterruptedException {
            return steps.smokeTest(environment);
        }
    }

    record Rollback(String environment, String service, String to, boolean force) implements StepRequest<RollbackOutcome> {
        @Override
        public RollbackOutcome runOn(DeploySteps steps) throws InterruptedException {
            return steps.rollback(environment, service, to, force);
        }
    }

    record Release(String environment, String phase, String result, String failedPhase, String kind) implements StepRequest<ReleaseResult> {
        @Override
        public ReleaseResult runOn(DeploySteps steps) throws InterruptedException {
            return steps.release(environment, phase, result, failedPhase, kind);
        }
    }

    record MoveAlias(String environment) implements StepRequest<AliasResult> {
        @Override
        public AliasResult runOn(DeploySteps steps) throws InterruptedException {
            return steps.moveAlias(environment);
        }
    }
}
