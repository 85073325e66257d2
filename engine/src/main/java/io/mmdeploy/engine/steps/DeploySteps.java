package io.mmdeploy.engine.steps;

import io.mmdeploy.engine.approval.GatePlan;
import io.mmdeploy.engine.config.ApprovalPolicy.Gate;
import io.mmdeploy.engine.config.EnvironmentSpec;
import io.mmdeploy.engine.config.GatewaySpec;
import io.mmdeploy.engine.config.LoadedConfig;
import io.mmdeploy.engine.config.WebhookSpec;
import io.mmdeploy.engine.diagnostics.DeployException;
import io.mmdeploy.engine.flow.DeployFlow;
import io.mmdeploy.engine.flow.Phase;
import io.mmdeploy.engine.health.HealthReport;
import io.mmdeploy.engine.images.ImageRef;
import io.mmdeploy.engine.smoke.SmokeReport;
import io.mmdeploy.engine.tofu.TofuSettings;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * The composition root of a run: the deploy's phases as one call each (docs/STEPS.md), a step's parameters in, its
 * typed result out. The plugin's steps, {@code mmdeploy deploy} and rollback call these and nothing else, and the
 * CLI's step commands take their stages from the same {@link Stages}. Every phase obeys the {@link DeployFlow}: it
 * refuses unless the phases it needs succeeded in this run (the {@link RunJournal}), a gated apply needs the host's
 * recorded approval of exactly its plan, and every mutation runs the isolation preflight and the build's branch rule
 * first and holds the environment's lease.
 */
public final class DeploySteps {
    /** The release record of the run, beside the config, for the host to archive. */
    public static final String RECORD_FILE = "mm-release.json";
    public static final String START = ReleasePhase.START;
    public static final String FINISH = ReleasePhase.FINISH;

    private final RunContext run;
    private final PreflightPhase preflight;
    private final PromotePhase promote;
    private final ImagesPhase images;
    private final VulnerabilityPhase vulnerabilities;
    private final TofuPhase tofu;
    private final MigrationsPhase migrations;
    private final UrlsPhase urls;
    private final HealthPhase health;
    private final SmokePhase smoke;
    private final GatewayPhase gateway;
    private final ReleasePhase release;
    private final RollbackPhase rollback;
    private final AliasPhase alias;
    private final Notices notices;

    /** @param loaded the config, loaded from {@code host}'s workspace */
    public DeploySteps(StepHost host, LoadedConfig loaded, TofuSettings tofu) {
        this(host, loaded, tofu, DeploySettings.defaults());
    }

    public DeploySteps(StepHost host, LoadedConfig loaded, TofuSettings tofuSettings, DeploySettings settings) {
        this.run = new RunContext(host, loaded, new Stages(host, tofuSettings, settings));
        this.preflight = new PreflightPhase(run);
        this.promote = new PromotePhase(run);
        this.images = new ImagesPhase(run);
        this.vulnerabilities = new VulnerabilityPhase(run);
        this.tofu = new TofuPhase(run);
        this.migrations = new MigrationsPhase(run, tofu);
        this.urls = new UrlsPhase(run);
        this.health = new HealthPhase(run);
        this.smoke = new SmokePhase(run);
        this.gateway = new GatewayPhase(run, tofu, health);
        this.notices = new Notices(run);
        this.release = new ReleasePhase(run, notices);
        this.rollback = new RollbackPhase(run, notices);
        this.alias = new AliasPhase(run);
    }

    public DeployFlow flow(String environment) {
        return run.flow(run.env(environment));
    }

    public EnvironmentSpec environment(String environment) {
        return run.env(environment);
    }

    /** The run's state as the journal holds it (for hosts that show progress, and tests). */
    public RunJournal.Entry run(String environment) {
        return run.journal.read(run.env(environment).name());
    }

    /** mmPreflight: see {@link PreflightPhase}. */
    public PreflightResult preflight(String environment) throws InterruptedException {
        return preflight.start(run.env(environment));
    }

    /** mmPromoteImages: see {@link PromotePhase}. */
    public ImagesResult promoteImages(String environment) throws InterruptedException {
        return promote.promote(run.env(environment));
    }

    /** mmVulnerabilityGate: see {@link VulnerabilityPhase}. */
    public ScanResult vulnerabilityScan(String environment) throws InterruptedException {
        return vulnerabilities.check(run.env(environment));
    }

    /**
     * mmBuildImages.
     *
     * @param services the services to build; null for all
     * @param builder {@code cloudbuild} (default) or {@code docker}
     */
    public ImagesResult buildImages(String environment, List<String> services, String builder) throws InterruptedException {
        return images.build(run.env(environment), services, builder);
    }

    /** mmRunMigrations: see {@link MigrationsPhase}. */
    public MigrationsResult runMigrations(String environment) throws InterruptedException {
        return migrations.run(run.env(environment));
    }

    /** While the handle is open, this process's phases share their Google clients (a deploy run). */
    RunContext.SharedClients shareClients() {
        return run.shareClients();
    }

    /** A deploy run's builds, telling {@code onReady} of each image as it is ready. */
    ImagesResult buildImages(String environment, Consumer<ImageRef> onReady) throws InterruptedException {
        return images.build(run.env(environment), null, null, onReady);
    }

    /** A deploy run's migrations, each waiting in {@code ready} for its own image where the flow allows. */
    MigrationsResult runMigrations(String environment, ReadyImages ready) throws InterruptedException {
        return migrations.run(run.env(environment), ready);
    }

    /**
     * mmApplyTofu: {@code planOnly} plans; {@code approvedPlanHash} applies that saved plan of this run (where the
     * policy gates the phase, only with the host's recorded approval of it); neither plans and applies in one call,
     * where no gate stands between (the services phase; the gateway's when {@code target} is the gateway's address).
     */
    public TofuResult applyTofu(String environment, String target, boolean planOnly, String approvedPlanHash) throws InterruptedException {
        EnvironmentSpec env = run.env(environment);
        boolean gatewayTarget = target != null && run.config.gatewaySpec().map(g -> g.tofuTarget().equals(target)).orElse(false);
        if (target != null && !gatewayTarget) {
            throw DeployException.of("Unknown tofu target " + target,
                    "mm-deploy plans everything, or the gateway alone (" + run.config.gatewaySpec().map(GatewaySpec::tofuTarget).orElse("no gateway")
                            + "); a plan of another resource alone is not part of a deploy.");
        }
        return tofu.planOrApply(env, gatewayTarget ? Phase.GATEWAY_PLAN : Phase.SERVICES_PLAN, planOnly, approvedPlanHash);
    }

    /** tofu init ahead of the services' plan (the plan then does not init again); a deploy runs it beside the builds. */
    public void prepareTofu(String environment) {
        tofu.prepare(run.env(environment));
    }

    /**
     * What the approver of a gate is shown: the open plan of {@code services} or {@code gateway} ({@link
     * TofuPhase#openGate}), or the run a {@code rollback} confirmation confirms ({@link RollbackPhase#confirmation}).
     */
    public GatePlan openGate(String environment, String gatePhase) {
        Gate gate = Arrays.stream(Gate.values()).filter(g -> g.id().equals(gatePhase)).findFirst()
                .orElseThrow(() -> DeployException.of("No gate \"" + gatePhase + "\"", "A gate is services, gateway or rollback."));
        return gate == Gate.ROLLBACK ? rollback.confirmation(run.env(environment)) : tofu.openGate(run.env(environment), gate);
    }

    /**
     * The host waits for a person at a gate: the environment's webhooks hear of it ({@code waiting}), with the plan's
     * hash and the build's page. The host calls it only where it really waits (not for a plan approved earlier).
     */
    public void awaitingApproval(String environment, GatePlan plan) {
        notices.tell(run.env(environment), WebhookSpec.Event.WAITING,
                "The " + plan.gate() + " plan " + FlowGuard.shortHash(plan.planHash()) + " waits for a person's approval.");
    }

    /** mmServiceUrls: see {@link UrlsPhase}. */
    public UrlsResult serviceUrls(String environment) throws InterruptedException {
        return urls.publish(run.env(environment));
    }

    /**
     * mmDeployGateway. {@code buildOnly}: build (or reuse) the gateway image with the URLs this run published. Otherwise
     * plan and/or apply the gateway's targeted plan, as {@link #applyTofu} does, and after an apply health-check it.
     */
    public GatewayResult deployGateway(String environment, boolean buildOnly, boolean planOnly, String approvedPlanHash)
            throws InterruptedException {
        return gateway.deploy(run.env(environment), buildOnly, planOnly, approvedPlanHash);
    }

    /**
     * mmHealthCheck: an unhealthy result is returned, not thrown.
     *
     * @param only service or gateway names; null for all and the gateway
     */
    public HealthReport healthCheck(String environment, List<String> only) throws InterruptedException {
        return health.check(run.env(environment), only);
    }

    /** mmSmokeTest: see {@link SmokePhase}; a failed test is returned, not thrown. */
    public SmokeReport smokeTest(String environment) throws InterruptedException {
        return smoke.check(run.env(environment));
    }

    /**
     * mmRelease: see {@link ReleasePhase}.
     *
     * @param result {@code SUCCEEDED} or {@code FAILED} (finish only)
     * @param failedPhase the pipeline stage that failed (finish, FAILED)
     * @param kind {@code deploy} (default) or {@code rollback} (start only)
     */
    public ReleaseResult release(String environment, String phase, String result, String failedPhase, String kind)
            throws InterruptedException {
        return release.record(run.env(environment), phase, result, failedPhase, kind);
    }

    /**
     * mmRollback: see {@link RollbackPhase}.
     *
     * @param service a service, the gateway's name, or {@code all}
     * @param to {@code previous}, a release id, or (with one service) a revision
     * @param force go back past migrations the config does not mark compatible with the previous release
     */
    public RollbackOutcome rollback(String environment, String service, String to, boolean force) throws InterruptedException {
        return rollback.roll(run.env(environment), service, to, force);
    }

    /** mmMoveAlias: see {@link AliasPhase}. */
    public AliasResult moveAlias(String environment) throws InterruptedException {
        return alias.move(run.env(environment));
    }
}
