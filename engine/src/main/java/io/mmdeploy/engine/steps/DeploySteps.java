package io.mmdeploy.engine.steps;

import io.mmdeploy.engine.approval.GatePlan;
import io.mmdeploy.engine.approval.RecordedApproval;
import io.mmdeploy.engine.config.ApprovalPolicy;
import io.mmdeploy.engine.config.ApprovalPolicy.Gate;
import io.mmdeploy.engine.config.DeployConfig;
import io.mmdeploy.engine.config.EnvironmentSpec;
import io.mmdeploy.engine.config.GatewaySpec;
import io.mmdeploy.engine.config.LoadedConfig;
import io.mmdeploy.engine.config.MigrationSpec;
import io.mmdeploy.engine.config.ServiceSpec;
import io.mmdeploy.engine.diagnostics.DeployException;
import io.mmdeploy.engine.flow.DeployFlow;
import io.mmdeploy.engine.flow.Phase;
import io.mmdeploy.engine.gateway.BuildGateway;
import io.mmdeploy.engine.gcp.GoogleClients;
import io.mmdeploy.engine.health.HealthCheck;
import io.mmdeploy.engine.health.HealthReport;
import io.mmdeploy.engine.health.HealthResult;
import io.mmdeploy.engine.health.HealthTargets;
import io.mmdeploy.engine.images.BuildImages;
import io.mmdeploy.engine.images.CloudBuildImageBuilder;
import io.mmdeploy.engine.images.DockerBuildxImageBuilder;
import io.mmdeploy.engine.images.ImageBuildRequest;
import io.mmdeploy.engine.images.ImageBuilder;
import io.mmdeploy.engine.images.ImageCatalog;
import io.mmdeploy.engine.images.ImageRef;
import io.mmdeploy.engine.isolation.IsolationPreflight;
import io.mmdeploy.engine.isolation.IsolationViolation;
import io.mmdeploy.engine.lease.EnvironmentLease;
import io.mmdeploy.engine.lease.Lease;
import io.mmdeploy.engine.migrations.MigrationResult;
import io.mmdeploy.engine.migrations.RunMigrations;
import io.mmdeploy.engine.plan.DeployPlan;
import io.mmdeploy.engine.plan.DeployPlanner;
import io.mmdeploy.engine.plan.ServicePlan;
import io.mmdeploy.engine.port.Command;
import io.mmdeploy.engine.port.CommandRunner;
import io.mmdeploy.engine.port.MaskingEventSink;
import io.mmdeploy.engine.port.StageLog;
import io.mmdeploy.engine.release.AliasMove.MovedAlias;
import io.mmdeploy.engine.release.CloudRunReleases;
import io.mmdeploy.engine.release.DeployEvidence;
import io.mmdeploy.engine.release.EnvironmentRollback;
import io.mmdeploy.engine.release.EnvironmentRollback.RollbackResult;
import io.mmdeploy.engine.release.ReleaseHistory;
import io.mmdeploy.engine.release.ReleaseJson;
import io.mmdeploy.engine.release.ReleaseRecord;
import io.mmdeploy.engine.release.ReleaseRecord.Commit;
import io.mmdeploy.engine.release.ReleaseRecord.Kind;
import io.mmdeploy.engine.release.ReleaseRecord.MigrationRun;
import io.mmdeploy.engine.release.ReleaseRecord.Outcome;
import io.mmdeploy.engine.release.ReleaseRecord.PlanRecord;
import io.mmdeploy.engine.release.ReleaseRecorder;
import io.mmdeploy.engine.release.RollbackPlan;
import io.mmdeploy.engine.release.RollbackRequest;
import io.mmdeploy.engine.release.SecretManagerReleaseStore;
import io.mmdeploy.engine.run.ParallelRunner;
import io.mmdeploy.engine.serviceurls.CloudRunUrls;
import io.mmdeploy.engine.serviceurls.ServiceUrls;
import io.mmdeploy.engine.serviceurls.ServiceUrlsSecret;
import io.mmdeploy.engine.source.GitCommandSource;
import io.mmdeploy.engine.source.GitRepository;
import io.mmdeploy.engine.source.ImageTags;
import io.mmdeploy.engine.source.Revision;
import io.mmdeploy.engine.source.SourceTree;
import io.mmdeploy.engine.tofu.ApplyTofu;
import io.mmdeploy.engine.tofu.PlanSummary;
import io.mmdeploy.engine.tofu.TofuCli;
import io.mmdeploy.engine.tofu.TofuRequest;
import io.mmdeploy.engine.tofu.TofuSettings;
import io.mmdeploy.engine.tofu.tfvars.ImageVarsWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.TreeMap;

/**
 * The deploy's phases as one call each (docs/STEPS.md): a step's parameters in, its result map out (plain strings,
 * numbers, booleans, lists and maps). The plugin's steps, {@code mmdeploy deploy} and the CLI's step commands call
 * these and nothing else. Every phase obeys the {@link DeployFlow}: it refuses unless the phases it needs succeeded in
 * this run (the {@link RunJournal}), a gated apply needs the host's recorded approval of exactly its plan, every
 * mutation runs the isolation preflight first and holds the environment's lease.
 */
public final class DeploySteps {
    static final String CLOUD_BUILD = "cloudbuild";
    static final String DOCKER = "docker";
    /** The release record of the run, beside the config, for the host to archive and show. */
    public static final String RECORD_FILE = "mm-release.json";
    static final String START = "start";
    static final String FINISH = "finish";
    static final String ALL = "all";
    /** Release-history versions read at once (Secret Manager allows 90,000 accesses a minute per project). */
    static final int HISTORY_READS = 8;
    /** Where OpenTofu's Google provider and gcs backend take an access token from. */
    static final String ACCESS_TOKEN_VARIABLE = "GOOGLE_OAUTH_ACCESS_TOKEN";
    /** The release id's suffix outside git. */
    static final String UNVERSIONED = "unversioned";
    static final String REVERTED = "REVERTED";

    private final StepHost host;
    private final LoadedConfig loaded;
    private final DeployConfig config;
    private final RunJournal journal;
    private final TofuSettings tofu;
    private final DeploySettings settings;

    /** @param loaded the config, loaded from {@code host}'s workspace */
    public DeploySteps(StepHost host, LoadedConfig loaded, TofuSettings tofu) {
        this(host, loaded, tofu, DeploySettings.defaults());
    }

    public DeploySteps(StepHost host, LoadedConfig loaded, TofuSettings tofu, DeploySettings settings) {
        this.host = host;
        this.loaded = loaded;
        this.config = loaded.config();
        this.journal = new RunJournal(host.workspace());
        this.tofu = tofu;
        this.settings = settings;
    }

    public DeployFlow flow(String environment) {
        return DeployFlow.of(config, config.environment(environment));
    }

    public EnvironmentSpec environment(String environment) {
        return config.environment(environment);
    }

    /** The run's state as the journal holds it (for hosts that show progress, and tests). */
    public RunJournal.Entry run(String environment) {
        return journal.read(config.environment(environment).name());
    }

    /**
     * mmPreflight: refuses a deploy whose environments are not isolated, before anything changes, and starts the run
     * with its release id. A rerun of this commit after a run that did not succeed continues that run: what succeeded
     * is kept (a phase whose inputs did not change is not redone), under a release id of its own.
     */
    public Map<String, Object> preflight(String environment) {
        EnvironmentSpec env = config.environment(environment);
        isolated(env);
        Optional<Revision> revision = revision(env);
        String sha = revision.map(Revision::sha).orElse(null);
        String release = ReleaseRecord.newId(host.clock().instant(), revision.map(Revision::shortSha).orElse(UNVERSIONED));
        RunJournal.Entry before = journal.read(env.name());
        boolean resume = sha != null && sha.equals(before.commit()) && "deploy".equals(before.kind()) && before.started() != null
                && (before.finished() == null || !before.finished().succeeded());
        if (resume) {
            // A run that stopped unfinished (at a gate, or killed) goes on as the same release; a failed one gets a new id.
            release = before.finished() == null ? before.release() : release;
            journal.resume(env.name(), release);
            log(Phase.PREFLIGHT.id()).info("Continuing the run of " + before.release() + " (attempt " + (before.attempt() + 1)
                    + ") as release " + release + ": phases that succeeded with the same inputs are not redone");
        } else {
            journal.begin(env.name(), release, sha, null);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("environment", env.name());
        out.put("violations", List.of());
        out.put("release", release);
        out.put("approval", approval(env));
        out.put("alias", new ImageTags(env).alias());
        out.put("resumed", resume);
        out.put("phases", flow(environment).titles());
        return out;
    }

    /**
     * mmBuildImages: builds (or reuses, when its fingerprint was built before) each service's image and keeps the
     * references by digest in the run; the image variables are written from them before each plan.
     *
     * @param services the services to build; null for all
     * @param builder {@code cloudbuild} (default) or {@code docker}
     */
    public Map<String, Object> buildImages(String environment, List<String> services, String builder) throws InterruptedException {
        EnvironmentSpec env = config.environment(environment);
        DeployPlan plan = plan(env);
        List<ImageBuildRequest> requests = new ArrayList<>();
        for (ServicePlan service : plan.services()) {
            if (services == null || services.contains(service.name())) {
                requests.add(ImageBuildRequest.forService(config.service(service.name()).orElseThrow(), env, fingerprint(service), tags(service)));
            }
        }
        if (services != null && requests.size() != services.size()) {
            List<String> unknown = services.stream().filter(s -> config.service(s).isEmpty()).toList();
            throw DeployException.of("Unknown service in services: " + String.join(", ", unknown),
                    config.file() + " defines " + String.join(", ", config.services().stream().map(ServiceSpec::name).toList()) + ".");
        }
        builderKind(builder); // an unknown builder is refused before the run's lease and state are touched
        RunJournal.Entry entry = guard(env, Phase.BUILD_IMAGES);
        List<ImageRef> images;
        try (GoogleClients clients = host.google().open(env, settings.buildTimeout())) {
            lease(env, clients, entry);
            journal.update(env.name(), d -> d.phase(Phase.BUILD_IMAGES, RunJournal.RUNNING, entry.commit(), now(), null));
            try {
                images = buildImages(env, clients, builder).run(requests);
            } catch (RuntimeException e) {
                failed(env, Phase.BUILD_IMAGES, e);
                throw e;
            }
        }
        journal.update(env.name(), d -> {
            d.images(images);
            boolean all = config.services().stream().allMatch(s -> d.images.containsKey(s.name()));
            d.phase(Phase.BUILD_IMAGES, all ? RunJournal.SUCCEEDED : RunJournal.RUNNING, entry.commit(), now(),
                    images.stream().filter(ImageRef::built).count() + " built");
        });
        Map<String, Object> byService = new LinkedHashMap<>();
        images.forEach(image -> byService.put(image.service(), imageMap(image)));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("images", byService);
        out.put("built", images.stream().filter(ImageRef::built).count());
        out.put("reused", images.stream().filter(i -> !i.built()).count());
        return out;
    }

    /**
     * mmRunMigrations: points each migration job at its service's image of this run and runs it, recording every
     * execution as it ends (a failed one too). In a gated environment only after the services plan was approved, so a
     * rejected gate leaves the schema as it was. Not redone in a rerun when the images are the same.
     */
    public Map<String, Object> runMigrations(String environment) throws InterruptedException {
        EnvironmentSpec env = config.environment(environment);
        RunJournal.Entry entry = guard(env, Phase.MIGRATIONS);
        String inputs = migrationInputs(entry);
        if (entry.succeeded(Phase.MIGRATIONS) && inputs.equals(entry.phase(Phase.MIGRATIONS).inputs())) {
            log(RunMigrations.STAGE).info("Migrations already ran in this run with these images: not run again");
            return migrationsMap(entry.migrations(), true);
        }
        Duration longest = config.migrations().stream().map(MigrationSpec::timeout).filter(Objects::nonNull)
                .max(Duration::compareTo).orElse(MigrationSpec.DEFAULT_TIMEOUT);
        List<MigrationResult> results;
        try (GoogleClients clients = host.google().open(env, longest)) {
            requireOpenApprovedPlan(env, Phase.MIGRATIONS, Phase.SERVICES_PLAN, null, clients);
            lease(env, clients, entry);
            journal.update(env.name(), d -> d.phase(Phase.MIGRATIONS, RunJournal.RUNNING, inputs, now(), null));
            try {
                results = new RunMigrations(clients.jobs(), clients.executions(), log(RunMigrations.STAGE))
                        .run(env, config.migrations(), entry.imageRefs(), r -> journal.update(env.name(), d -> d.migrations.add(MigrationRun.of(r))));
            } catch (RuntimeException e) {
                failed(env, Phase.MIGRATIONS, e);
                throw e;
            }
        }
        journal.update(env.name(), d -> d.phase(Phase.MIGRATIONS, RunJournal.SUCCEEDED, inputs, now(), results.size() + " execution(s)"));
        return migrationsMap(results.stream().map(MigrationRun::of).toList(), false);
    }

    private static Map<String, Object> migrationsMap(List<MigrationRun> runs, boolean skipped) {
        List<Map<String, Object>> executions = new ArrayList<>();
        for (MigrationRun r : runs) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("job", r.job());
            e.put("execution", r.execution());
            e.put("result", r.result());
            e.put("image", r.image());
            executions.add(e);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("executions", executions);
        out.put("result", MigrationResult.SUCCEEDED);
        out.put("skipped", skipped);
        return out;
    }

    /**
     * mmApplyTofu: {@code planOnly} plans; {@code approvedPlanHash} applies that saved plan of this run (where the
     * policy gates the phase, only with the host's recorded approval of it); neither plans and applies in one call,
     * where no gate stands between (the services phase; the gateway's when {@code target} is the gateway's address).
     */
    public Map<String, Object> applyTofu(String environment, String target, boolean planOnly, String approvedPlanHash)
            throws InterruptedException {
        EnvironmentSpec env = config.environment(environment);
        boolean gatewayTarget = target != null && config.gatewaySpec().map(g -> g.tofuTarget().equals(target)).orElse(false);
        if (target != null && !gatewayTarget) {
            throw DeployException.of("Unknown tofu target " + target,
                    "mm-deploy plans everything, or the gateway alone (" + config.gatewaySpec().map(GatewaySpec::tofuTarget).orElse("no gateway")
                            + "); a plan of another resource alone is not part of a deploy.");
        }
        return tofu(env, gatewayTarget ? Phase.GATEWAY_PLAN : Phase.SERVICES_PLAN, planOnly, approvedPlanHash);
    }

    /**
     * What the approver of a gate is shown: the open plan of that phase (hash, summary, image changes). The run waits
     * at a gate without the environment's lease, so an emergency rollback never waits behind an approval; the next
     * phase takes it again and checks the plan is not stale.
     *
     */
    public GatePlan openGate(String environment, String gatePhase) {
        EnvironmentSpec env = config.environment(environment);
        Gate gate = Arrays.stream(Gate.values()).filter(g -> g.id().equals(gatePhase) && g != Gate.ROLLBACK).findFirst()
                .orElseThrow(() -> DeployException.of("No plan gate \"" + gatePhase + "\"", "A plan gate is services or gateway."));
        Phase planPhase = gate == Gate.SERVICES ? Phase.SERVICES_PLAN : Phase.GATEWAY_PLAN;
        RunJournal.Entry entry = journal.read(env.name());
        DeployFlow flow = DeployFlow.of(config, env);
        RunJournal.PendingPlan open = entry.openPlan(planPhase);
        Phase applyPhase = DeployFlow.applyOf(planPhase);
        RunJournal.PendingPlan applied = entry.pending().get(planPhase.id());
        if (open == null && applied != null && entry.succeeded(applyPhase)) {
            // A rerun past a gate already passed: the plan it approved is applied; there is nothing new to approve.
            return new GatePlan(gate.id(), applied.hash(), "Already applied in this run.", applied.imageChanges(), false, true, true);
        }
        if (open == null) {
            throw FlowGuard.refusal(flow, env, planPhase, "there is no open " + gate.id() + " plan to approve in this run", planPhase);
        }
        TofuRequest request = request(env, planPhase);
        PlanSummary summary = ApplyTofu.savedSummary(host.workspace(), request, open.hash());
        try (GoogleClients clients = host.google().open(env, settings.apiWait())) {
            releaseLease(env, clients, entry);
        }
        return new GatePlan(gate.id(), open.hash(), summary.renderText(), open.imageChanges(), open.changed(), !policy(env).gated(gate), false);
    }

    /** mmServiceUrls: reads each service's URL from Cloud Run and stores them as a new version of the URLs secret. */
    public Map<String, Object> serviceUrls(String environment) throws InterruptedException {
        EnvironmentSpec env = config.environment(environment);
        RunJournal.Entry entry = guard(env, Phase.SERVICE_URLS);
        try (GoogleClients clients = host.google().open(env, settings.apiWait())) {
            lease(env, clients, entry);
            StageLog log = log(ServiceUrlsSecret.STAGE);
            ServiceUrls urls;
            String version;
            try {
                urls = new CloudRunUrls(clients.services()).read(env, config.services());
                version = new ServiceUrlsSecret(clients.secretManager(), host.mask(), log).publish(env, urls);
            } catch (RuntimeException e) {
                failed(env, Phase.SERVICE_URLS, e);
                throw e;
            }
            journal.update(env.name(), d -> d.phase(Phase.SERVICE_URLS, RunJournal.SUCCEEDED, sha256(new TreeMap<>(urls.byService()).toString()),
                    now(), version));
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("urls", new LinkedHashMap<>(urls.byService()));
            out.put("secret", version);
            return out;
        }
    }

    /**
     * mmDeployGateway. {@code buildOnly}: build (or reuse) the gateway image with the URLs this run published. Otherwise
     * plan and/or apply the gateway's targeted plan, as {@link #applyTofu} does, and after an apply health-check it.
     */
    public Map<String, Object> deployGateway(String environment, boolean buildOnly, boolean planOnly, String approvedPlanHash)
            throws InterruptedException {
        EnvironmentSpec env = config.environment(environment);
        GatewaySpec gateway = config.gatewaySpec().orElseThrow(() -> DeployException.of(
                "The app has no gateway", config.file() + " has no gateway section, so mmDeployGateway has nothing to deploy."));
        Map<String, Object> out = new LinkedHashMap<>();
        if (buildOnly) {
            if (planOnly || approvedPlanHash != null) {
                throw DeployException.of("buildOnly with planOnly or approvedPlanHash",
                        "buildOnly builds the gateway image and stops before any plan; call mmDeployGateway again to plan or apply.");
            }
            ServicePlan planned = plan(env).gateway();
            RunJournal.Entry entry = guard(env, Phase.GATEWAY_BUILD);
            ImageRef image;
            try (GoogleClients clients = host.google().open(env, settings.buildTimeout())) {
                lease(env, clients, entry);
                try {
                    image = new BuildGateway(new ServiceUrlsSecret(clients.secretManager(), host.mask(), log(ServiceUrlsSecret.STAGE)),
                            buildImages(env, clients, CLOUD_BUILD), log(BuildGateway.STAGE))
                            .run(config, env, fingerprint(planned), tags(planned));
                } catch (RuntimeException e) {
                    failed(env, Phase.GATEWAY_BUILD, e);
                    throw e;
                }
            }
            journal.update(env.name(), d -> {
                d.images(List.of(image));
                d.phase(Phase.GATEWAY_BUILD, RunJournal.SUCCEEDED, image.ref(), now(), image.built() ? "built" : "reused");
            });
            out.put("image", imageMap(image));
            out.put("urlsUsed", gateway.serviceUrlArgs().size());
            return out;
        }
        Map<String, Object> tofuResult = tofu(env, Phase.GATEWAY_PLAN, planOnly, approvedPlanHash);
        ImageRef image = journal.read(env.name()).imageRefs().get(gateway.name());
        out.put("image", image == null ? null : imageMap(image));
        out.put("urlsUsed", gateway.serviceUrlArgs().size());
        out.put("planHash", tofuResult.get("planHash"));
        out.put("summaryText", tofuResult.get("summaryText"));
        out.put("imageChanges", tofuResult.get("imageChanges"));
        out.put("applied", tofuResult.get("applied"));
        out.put("skipped", tofuResult.get("skipped"));
        if (Boolean.TRUE.equals(tofuResult.get("applied"))) {
            out.put("health", healthCheck(environment, List.of(gateway.name())));
        }
        return out;
    }

    /**
     * mmHealthCheck: each service's (and the gateway's) health path, with its retries. An unhealthy result is
     * returned, not thrown: the pipeline decides what to roll back. Inside a deploy it is the Health phase.
     *
     * @param only service or gateway names; null for all and the gateway
     */
    public Map<String, Object> healthCheck(String environment, List<String> only) throws InterruptedException {
        EnvironmentSpec env = config.environment(environment);
        HealthReport report;
        try (GoogleClients clients = host.google().open(env, settings.apiWait())) {
            var targets = HealthTargets.of(config, env, new CloudRunUrls(clients.services()), only, null);
            report = HealthCheck.standard(host.sleeper(), log(HealthCheck.STAGE)).check(targets);
        }
        RunJournal.Entry entry = journal.read(env.name());
        if (only == null && entry.release() != null && entry.finished() == null && "deploy".equals(entry.kind())) {
            journal.update(env.name(), d -> d.phase(Phase.HEALTH, report.healthy() ? RunJournal.SUCCEEDED : RunJournal.FAILED, null, now(),
                    report.healthy() ? "healthy" : "unhealthy: " + String.join(", ",
                            report.results().stream().filter(r -> !r.healthy()).map(HealthResult::name).toList())));
        }
        Map<String, Object> results = new LinkedHashMap<>();
        for (HealthResult r : report.results()) {
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("healthy", r.healthy());
            one.put("attempts", r.attempts());
            one.put("status", r.lastStatus());
            one.put("millis", r.millis());
            one.put("url", r.url());
            results.put(r.name(), one);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("healthy", report.healthy());
        out.put("results", results);
        return out;
    }

    /**
     * mmRelease. {@code start}: a deploy stores its in-progress record (with the release id of mmPreflight) and takes
     * the environment's lease; a rollback only notes its kind (mmRollback records itself). {@code finish}: the final
     * record with what the run did (migrations that failed included), written to {@value #RECORD_FILE} in the
     * workspace for the host to archive and show; the lease is given back.
     *
     * @param result {@code SUCCEEDED} or {@code FAILED} (finish only)
     * @param failedPhase the pipeline stage that failed (finish, FAILED)
     * @param kind {@code deploy} (default) or {@code rollback} (start only)
     */
    public Map<String, Object> release(String environment, String phase, String result, String failedPhase, String kind)
            throws InterruptedException {
        EnvironmentSpec env = config.environment(environment);
        Map<String, Object> out = new LinkedHashMap<>();
        if (START.equals(phase)) {
            return start(env, kind(kind));
        }
        if (!FINISH.equals(phase)) {
            throw DeployException.of("Unknown release phase \"" + phase + "\"", "mmRelease's phase is " + START + " or " + FINISH + ".");
        }
        Outcome outcome = outcome(result, failedPhase);
        RunJournal.Entry entry = journal.read(env.name());
        if (outcome.status() == ReleaseRecord.Status.SUCCEEDED && "deploy".equals(entry.kind())) {
            FlowGuard.require(DeployFlow.of(config, env), env, Phase.RELEASE, entry);
        }
        ReleaseRecord finished;
        try (GoogleClients clients = host.google().open(env, settings.apiWait())) {
            Releases releases = releases(env, clients);
            if ("rollback".equals(entry.kind())) {
                // mmRollback stored its own record; a rollback refused before it moved anything gets one here.
                finished = entry.rollback() != null ? entry.rollback() : failedRollback(env, entry, outcome, releases);
            } else {
                ReleaseRecord started = Optional.ofNullable(entry.started()).orElseThrow(() -> DeployException.of(
                        "No release was started for " + env.name() + " in this workspace",
                        "Call mmRelease(phase: 'start') after mmPreflight; " + RunJournal.file(env.name()) + " has no started record."));
                finished = releases.cloudRun().recorder().finish(started, config, env,
                        new DeployEvidence(entry.imageRefs(), entry.plans(), entry.approvals(), entry.migrations()), outcome);
            }
            journal.update(env.name(), d -> {
                d.finished = finished;
                d.phase(Phase.RELEASE, finished.succeeded() ? RunJournal.SUCCEEDED : RunJournal.FAILED, null, now(),
                        finished.outcome().describe());
            });
            releaseLease(env, clients, entry);
        }
        writeRecord(finished);
        out.put("release", finished.id());
        out.put("record", RECORD_FILE);
        return out;
    }

    private Map<String, Object> start(EnvironmentSpec env, Kind runKind) throws InterruptedException {
        RunJournal.Entry entry = journal.read(env.name());
        if (entry.release() == null) {
            throw FlowGuard.refusal(DeployFlow.of(config, env), env, Phase.PREFLIGHT, "no run was started in this workspace", Phase.PREFLIGHT);
        }
        isolated(env);
        ReleaseRecord started = null;
        try (GoogleClients clients = host.google().open(env, settings.apiWait())) {
            lease(env, clients, entry);
            Releases releases = releases(env, clients);
            String live = ReleaseHistory.read(releases.store()).lastSucceeded().map(ReleaseRecord::id).orElse(null);
            boolean startOver = entry.attempt() > 1 && !Objects.equals(live, entry.baseline());
            if (startOver) {
                // Someone deployed or rolled back since the failed attempt: what it did is no longer a base to build on.
                log(Phase.PREFLIGHT.id()).warn(env.name() + " changed since the failed attempt (live release " + live + ", was "
                        + entry.baseline() + "): starting the run over");
                journal.begin(env.name(), entry.release(), entry.commit(), live);
            }
            if (runKind == Kind.DEPLOY) {
                Optional<Revision> revision = revision(env);
                started = ReleaseRecord.started(entry.release(), Kind.DEPLOY, env, revision.map(Commit::of).orElse(null), host.clock().instant());
                releases.store().append(started);
                writeRecord(started);
            }
            ReleaseRecord inProgress = started;
            journal.update(env.name(), d -> {
                d.kind = runKind.name().toLowerCase(Locale.ROOT);
                d.started = inProgress;
                if (d.baseline == null || startOver) {
                    d.baseline = live;
                }
                d.phase(Phase.PREFLIGHT, RunJournal.SUCCEEDED, null, now(), "release " + entry.release());
            });
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("release", entry.release());
        out.put("record", started == null ? null : RECORD_FILE);
        return out;
    }

    /**
     * mmRollback: moves Cloud Run traffic back (no build, no tofu), health-checks what moved and records the
     * rollback; the aliases follow when it is healthy. Inside a deploy whose health check failed it is that deploy's
     * automatic revert: back to what was live when the run started, past only the migrations this run made, by the
     * same rule as a rollback (refused unless each is compatibleWithPrevious, or forced).
     *
     * @param service a service, the gateway's name, or {@code all}
     * @param to {@code previous}, a release id, or (with one service) a revision
     * @param force go back past migrations the config does not mark compatible with the previous release
     */
    public Map<String, Object> rollback(String environment, String service, String to, boolean force) throws InterruptedException {
        EnvironmentSpec env = config.environment(environment);
        isolated(env);
        RunJournal.Entry entry = journal.read(env.name());
        boolean revert = "deploy".equals(entry.kind()) && entry.started() != null && entry.finished() == null
                && (to == null || RollbackRequest.PREVIOUS.equals(to));
        RollbackRequest.Revert revertOf = revert ? new RollbackRequest.Revert(entry.release(), entry.baseline(), entry.migrations()) : null;
        RollbackPlan plan;
        RollbackResult result;
        try (GoogleClients clients = host.google().open(env, settings.apiWait())) {
            lease(env, clients, entry);
            Releases releases = releases(env, clients);
            EnvironmentRollback rollback = releases.cloudRun().rollback();
            plan = rollback.plan(config, env, new RollbackRequest(to, service == null || ALL.equals(service) ? null : service, force, revertOf));
            Instant moving = host.clock().instant();
            try {
                result = rollback.execute(config, env, plan);
            } catch (DeployException e) {
                // Stopped half-way: the rollback recorded itself as failed; that record is this run's, not a second one.
                ReleaseHistory.read(releases.store()).newest()
                        .filter(r -> r.kind() == Kind.ROLLBACK && !r.startedAt().isBefore(moving))
                        .ifPresent(failed -> journal.update(env.name(), j -> j.rollback = failed));
                throw e;
            }
            if (!revert && entry.release() != null && "rollback".equals(entry.kind())) {
                releaseLease(env, clients, entry);
            }
        }
        RollbackResult done = result;
        journal.update(env.name(), d -> {
            d.rollback = done.record();
            if (revert) {
                // What the applies put live was moved back: a rerun must apply again, not skip them.
                for (Phase p : List.of(Phase.SERVICES_APPLY, Phase.GATEWAY_APPLY, Phase.HEALTH)) {
                    RunJournal.PhaseRecord r = d.phases.get(p.id());
                    if (r != null) {
                        d.phase(p, REVERTED, r.inputs(), now(), "traffic moved back by " + done.record().id());
                    }
                }
            }
        });
        Map<String, Object> moved = new LinkedHashMap<>();
        for (RollbackPlan.Move move : plan.changing()) {
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("from", move.from());
            one.put("to", move.toRevision());
            moved.put(move.service(), one);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("moved", moved);
        out.put("healthy", result.health().healthy());
        out.put("release", result.record().id());
        return out;
    }

    /** mmMoveAlias: the alias tag of each image moves to the digest the release just recorded left live. */
    public Map<String, Object> moveAlias(String environment) throws InterruptedException {
        EnvironmentSpec env = config.environment(environment);
        RunJournal.Entry entry = journal.read(env.name());
        ReleaseRecord finished = entry.finished();
        if (finished == null || !finished.succeeded()) {
            throw DeployException.of("No succeeded release to move " + new ImageTags(env).alias() + " to",
                    finished == null ? "Call mmMoveAlias after mmRelease(phase: 'finish', result: 'SUCCEEDED')."
                            : "Release " + finished.id() + " " + finished.outcome().describe() + ": the alias stays where it is.");
        }
        isolated(env);
        List<MovedAlias> moved;
        try (GoogleClients clients = host.google().open(env, settings.apiWait())) {
            Lease lease = lease(env, clients, entry);
            try {
                moved = releases(env, clients).cloudRun().aliases().apply(config, env, finished);
                journal.update(env.name(), d -> d.phase(Phase.ALIAS, RunJournal.SUCCEEDED, null, now(), new ImageTags(env).alias()));
            } catch (RuntimeException e) {
                failed(env, Phase.ALIAS, e);
                throw e;
            } finally {
                if (lease != null) {
                    lease.close();
                }
            }
        }
        Map<String, Object> images = new LinkedHashMap<>();
        moved.forEach(m -> images.put(m.service(), env.registry().image(m.image()) + "@" + m.digest()));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("alias", new ImageTags(env).alias());
        out.put("images", images);
        return out;
    }

    // ---- tofu: plan and apply, bound to the run ----

    private Map<String, Object> tofu(EnvironmentSpec env, Phase planPhase, boolean planOnly, String approvedPlanHash)
            throws InterruptedException {
        Phase applyPhase = DeployFlow.applyOf(planPhase);
        Gate gate = DeployFlow.gateAfter(planPhase);
        if (planOnly && approvedPlanHash != null) {
            throw DeployException.of("planOnly and approvedPlanHash together",
                    "approvedPlanHash applies a saved plan; planOnly makes a new one. Give one of them.");
        }
        if (approvedPlanHash != null) {
            return applyPlan(env, applyPhase, approvedPlanHash);
        }
        if (!planOnly && policy(env).gated(gate)) {
            throw DeployException.of("Refusing to plan and apply " + env.name() + " in one call",
                    "The " + env.name() + " policy requires approval before the " + gate.id() + " phase: plan with planOnly: true,"
                            + " pass the plan through mmApprovalGate, then apply it with approvedPlanHash: <the plan's planHash>.");
        }
        Map<String, Object> planned = makePlan(env, planPhase);
        return planOnly || Boolean.TRUE.equals(planned.get("skipped")) ? planned : applyPlan(env, applyPhase, (String) planned.get("planHash"));
    }

    /**
     * Writes every image variable from this run's images and, for what this run did not build, from the live release,
     * then plans. A plan phase whose apply already succeeded in this run with the same variables is not redone.
     */
    private Map<String, Object> makePlan(EnvironmentSpec env, Phase planPhase) throws InterruptedException {
        Phase applyPhase = DeployFlow.applyOf(planPhase);
        RunJournal.Entry entry = guard(env, planPhase);
        try (GoogleClients clients = host.google().open(env, settings.apiWait())) {
            Releases releases = releases(env, clients);
            Optional<ReleaseRecord> live = ReleaseHistory.read(releases.store()).lastSucceeded();
            Map<String, String> variables = ImageVariables.compose(config, entry.imageRefs(), live, planPhase == Phase.GATEWAY_PLAN,
                    log("tfvars"));
            String inputs = sha256(new TreeMap<>(variables).toString());
            RunJournal.PhaseRecord applied = entry.phase(applyPhase);
            RunJournal.PendingPlan previous = entry.pending().get(planPhase.id());
            if (applied != null && applied.succeeded() && inputs.equals(applied.inputs()) && previous != null) {
                log("apply-tofu").info(planPhase.title() + ": already applied in this run with the same images; not planned again");
                Map<String, Object> out = new LinkedHashMap<>();
                out.put("planHash", previous.hash());
                out.put("summaryText", "Already applied in this run (plan " + FlowGuard.shortHash(previous.hash()) + ").");
                out.put("changed", false);
                out.put("applied", true);
                out.put("skipped", true);
                out.put("imageChanges", previous.imageChanges());
                return out;
            }
            RunJournal.PendingPlan open = entry.openPlan(planPhase);
            RunJournal.PhaseRecord planned = entry.phase(planPhase);
            String liveId = live.map(ReleaseRecord::id).orElse(null);
            if (open != null && planned != null && planned.succeeded() && inputs.equals(planned.inputs())
                    && Objects.equals(open.liveRelease(), liveId)) {
                // The saved plan still stands for these inputs: planning again would only change its hash (and re-ask).
                log("apply-tofu").info(planPhase.title() + ": the run's plan " + FlowGuard.shortHash(open.hash()) + " still stands; not planned again");
                Map<String, Object> out = new LinkedHashMap<>(new ApplyTofu.Outcome(
                        ApplyTofu.savedSummary(host.workspace(), request(env, planPhase), open.hash()), false, null).toMap());
                out.put("imageChanges", open.imageChanges());
                out.put("skipped", false);
                return out;
            }
            lease(env, clients, entry);
            new ImageVarsWriter(host.workspace(), log("tfvars")).write(env.tofu().imageVarFile(), variables);
            StageLog log = log("apply-tofu");
            PlanSummary summary;
            try {
                summary = applyTofu(env, log).plan(request(env, planPhase));
            } catch (RuntimeException e) {
                failed(env, planPhase, e);
                throw e;
            }
            List<String> imageChanges = summary.imageChanges().stream()
                    .map(c -> c.address() + ": " + c.before() + " -> " + c.after()).toList();
            journal.update(env.name(), d -> {
                d.pending.put(planPhase.id(), new RunJournal.PendingPlan(summary.planHash(), liveId, summary.changed(), imageChanges, false));
                d.phase(planPhase, RunJournal.SUCCEEDED, inputs, now(), "plan " + FlowGuard.shortHash(summary.planHash()));
            });
            Map<String, Object> out = new LinkedHashMap<>(new ApplyTofu.Outcome(summary, false, null).toMap());
            out.put("imageChanges", imageChanges);
            out.put("skipped", false);
            return out;
        }
    }

    /** Applies the run's open plan of the phase, if it is the one given and (where gated) the host recorded its approval. */
    private Map<String, Object> applyPlan(EnvironmentSpec env, Phase applyPhase, String planHash) throws InterruptedException {
        Phase planPhase = DeployFlow.planOf(applyPhase);
        RunJournal.Entry entry = guard(env, applyPhase);
        RunJournal.PendingPlan last = entry.pending().get(planPhase.id());
        if (last != null && last.consumed() && last.hash().equals(planHash) && entry.succeeded(applyPhase)) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("planHash", planHash);
            out.put("summaryText", "Already applied in this run.");
            out.put("applied", true);
            out.put("skipped", true);
            out.put("imageChanges", last.imageChanges());
            return out;
        }
        TofuRequest request = request(env, planPhase);
        try (GoogleClients clients = host.google().open(env, settings.apiWait())) {
            RecordedApproval approval = requireOpenApprovedPlan(env, applyPhase, planPhase, planHash, clients);
            lease(env, clients, entry);
            RunJournal.PendingPlan open = entry.openPlan(planPhase);
            String inputs = entry.phase(planPhase).inputs();
            journal.update(env.name(), d -> {
                // A plan is applied once: whatever happens now, a rerun plans again.
                d.pending.put(planPhase.id(), new RunJournal.PendingPlan(open.hash(), open.liveRelease(), open.changed(), open.imageChanges(), true));
                d.phase(applyPhase, RunJournal.RUNNING, inputs, now(), null);
            });
            ApplyTofu.Outcome outcome;
            try {
                outcome = applyTofu(env, log("apply-tofu")).run(request, false, planHash);
            } catch (RuntimeException e) {
                failed(env, applyPhase, e);
                throw e;
            }
            Gate gate = DeployFlow.gateAfter(planPhase);
            journal.update(env.name(), d -> {
                d.plans.add(PlanRecord.of(gate.id(), outcome.summary()));
                d.approvals.add(approval != null ? ReleaseRecord.Approval.of(approval.approval())
                        : ReleaseRecord.Approval.auto(gate.id(), host.clock().instant()));
                d.phase(applyPhase, RunJournal.SUCCEEDED, inputs, now(), "applied " + FlowGuard.shortHash(planHash));
            });
            Map<String, Object> out = new LinkedHashMap<>(outcome.toMap());
            out.put("imageChanges", open.imageChanges());
            out.put("skipped", false);
            return out;
        }
    }

    /**
     * The phase's plan is this run's open one, not stale (the live release is still the one it was planned against), and
     * where the policy gates it, approved by a person as the host recorded it. Returns that approval (null: no gate).
     *
     * @param planHash the hash the caller means; null for "the open one" (migrations go with the open services plan)
     */
    private RecordedApproval requireOpenApprovedPlan(EnvironmentSpec env, Phase phase, Phase planPhase, String planHash, GoogleClients clients) {
        RunJournal.Entry entry = journal.read(env.name());
        DeployFlow flow = DeployFlow.of(config, env);
        RunJournal.PendingPlan open = entry.openPlan(planPhase);
        if (open == null) {
            RunJournal.PendingPlan used = entry.pending().get(planPhase.id());
            throw FlowGuard.refusal(flow, env, phase, used == null ? "there is no " + planPhase.title().toLowerCase(Locale.ROOT) + " in this run"
                    : "the plan " + FlowGuard.shortHash(used.hash()) + " was already used by an apply (a plan is applied once)", planPhase);
        }
        if (planHash != null && !planHash.equals(open.hash())) {
            throw DeployException.of("Refusing " + phase.title() + " in " + env.name() + ": plan " + FlowGuard.shortHash(planHash)
                            + " is not this run's open plan",
                    "This run's " + planPhase.title().toLowerCase(Locale.ROOT) + " is " + open.hash() + "; an approval or a hash of another"
                            + " plan never applies this one. Nothing was changed.");
        }
        String live = ReleaseHistory.read(releases(env, clients).store()).lastSucceeded().map(ReleaseRecord::id).orElse(null);
        if (!Objects.equals(live, open.liveRelease())) {
            throw DeployException.of("Re-plan required: " + env.name() + " changed after the plan",
                    "The plan " + FlowGuard.shortHash(open.hash()) + " was made while release " + open.liveRelease() + " was live; now "
                            + live + " is. " + planPhase.step() + " plans again (and, where gated, asks again). Nothing was changed.");
        }
        Gate gate = DeployFlow.gateAfter(planPhase);
        if (!policy(env).gated(gate)) {
            return null;
        }
        return host.approvals().find(env.name(), gate, open.hash())
                .orElseThrow(() -> FlowGuard.notApproved(env, phase, gate, open.hash()));
    }

    private ApplyTofu applyTofu(EnvironmentSpec env, StageLog log) {
        return new ApplyTofu(new TofuCli(asDeployer(env, commands()), tofu, log), host.workspace(), log, host.mask());
    }

    private TofuRequest request(EnvironmentSpec env, Phase planPhase) {
        TofuRequest request = TofuRequest.of(env, "");
        return planPhase == Phase.GATEWAY_PLAN ? request.withTarget(config.gatewaySpec().orElseThrow().tofuTarget()) : request;
    }

    /**
     * The commands, run as the environment's deployer when the host has its token: tofu then plans and applies with
     * the identity the credential check passed, not with whatever the machine's own credentials are. The token is a
     * secret of every command and of the step's log.
     */
    private CommandRunner asDeployer(EnvironmentSpec env, CommandRunner commands) {
        Optional<String> token = host.google().accessToken(env);
        if (token.isEmpty()) {
            return commands;
        }
        host.mask().add(token.get());
        return (command, onLine) -> {
            Map<String, String> variables = new LinkedHashMap<>(command.env());
            variables.put(ACCESS_TOKEN_VARIABLE, token.get());
            Set<String> secrets = new HashSet<>(command.secrets());
            secrets.add(token.get());
            return commands.run(new Command(command.argv(), variables, command.workingDir(), command.timeout(), secrets), onLine);
        };
    }

    // ---- the run: guard, lease, isolation ----

    /** The journal, after the flow's guard let the phase start. */
    private RunJournal.Entry guard(EnvironmentSpec env, Phase phase) {
        isolated(env);
        RunJournal.Entry entry = journal.read(env.name());
        FlowGuard.require(DeployFlow.of(config, env), env, phase, entry);
        return entry;
    }

    /**
     * Before every mutation: the isolation preflight (a config that plan refuses is never applied) and, where the host
     * builds a branch, that branch is the one the environment deploys from.
     */
    private void isolated(EnvironmentSpec env) {
        new IsolationPreflight(host.workspace()).require(config);
        String building = host.buildBranch();
        if (building != null && env.branch() != null && !building.equals(env.branch())) {
            throw DeployException.of("Refusing to change " + env.name() + " from branch " + building,
                    config.file() + " deploys " + env.name() + " from branch " + env.branch() + " only (environments." + env.name()
                            + ".branch); a build of " + building + " (a Replay or another branch's job included) never"
                            + " deploys it. Nothing was changed.");
        }
    }

    /** Takes (or, for this run's next phase, takes over and renews) the environment's lease; null without a state bucket. */
    private Lease lease(EnvironmentSpec env, GoogleClients clients, RunJournal.Entry entry) throws InterruptedException {
        Optional<EnvironmentLease> lease = environmentLease(env, clients);
        if (lease.isEmpty()) {
            return null;
        }
        String release = entry.release() != null ? entry.release() : ReleaseRecord.newId(host.clock().instant(), "step");
        return lease.get().acquire(host.holder(), release, settings.leaseWait(), settings.breakLease());
    }

    private void releaseLease(EnvironmentSpec env, GoogleClients clients, RunJournal.Entry entry) {
        if (entry.release() == null) {
            return;
        }
        environmentLease(env, clients).ifPresent(lease -> lease.current().filter(h -> h.release().equals(entry.release()) && h.holder().equals(host.holder()))
                        .ifPresent(lease::giveBack));
    }

    private Optional<EnvironmentLease> environmentLease(EnvironmentSpec env, GoogleClients clients) {
        return EnvironmentLease.of(env, host.workspace(), clients.storage(), host.clock(), host.sleeper(), log(EnvironmentLease.STAGE));
    }

    private void failed(EnvironmentSpec env, Phase phase, RuntimeException e) {
        String why = e instanceof DeployException d && !d.diagnostics().isEmpty() ? d.diagnostics().get(0).summary() : e.getClass().getSimpleName();
        journal.update(env.name(), d -> {
            RunJournal.PhaseRecord before = d.phases.get(phase.id());
            d.phase(phase, RunJournal.FAILED, before == null ? null : before.inputs(), now(), why);
        });
    }

    private String migrationInputs(RunJournal.Entry entry) {
        Map<String, ImageRef> images = entry.imageRefs();
        Map<String, String> used = new TreeMap<>();
        for (MigrationSpec m : config.migrations()) {
            ImageRef image = images.get(m.service());
            used.put(m.job(), image == null ? "" : image.ref());
        }
        return sha256(used.toString());
    }

    private Instant now() {
        return host.clock().instant();
    }

    // ---- releases ----

    /** The release records of an environment: its store and the Cloud Run side. */
    private record Releases(SecretManagerReleaseStore store, CloudRunReleases cloudRun) {}

    private Releases releases(EnvironmentSpec env, GoogleClients clients) {
        SecretManagerReleaseStore store = new SecretManagerReleaseStore(clients.secretManager(), env, host.mask(),
                new ParallelRunner(HISTORY_READS), log(ReleaseRecorder.STAGE));
        return new Releases(store, new CloudRunReleases(clients, store, host.clock(), host.sleeper(), this::log));
    }

    private ReleaseRecord failedRollback(EnvironmentSpec env, RunJournal.Entry entry, Outcome outcome, Releases releases) {
        Instant now = host.clock().instant();
        ReleaseRecord failed = ReleaseRecord.started(entry.release(), Kind.ROLLBACK, env, null, now).finished(
                outcome.status() == ReleaseRecord.Status.SUCCEEDED ? Outcome.failed("rollback", "mmRollback did not run") : outcome, now);
        releases.store().append(failed);
        return failed;
    }

    private static Kind kind(String kind) {
        String k = kind == null || kind.isBlank() ? "deploy" : kind.strip();
        return switch (k) {
            case "deploy" -> Kind.DEPLOY;
            case "rollback" -> Kind.ROLLBACK;
            default -> throw DeployException.of("Unknown release kind \"" + k + "\"", "mmRelease's kind is deploy (default) or rollback.");
        };
    }

    private static Outcome outcome(String result, String failedPhase) {
        if (MigrationResult.SUCCEEDED.equals(result)) {
            return Outcome.succeeded();
        }
        if ("FAILED".equals(result)) {
            String phase = failedPhase == null || failedPhase.isBlank() ? "unknown" : failedPhase.strip();
            return Outcome.failed(phase, "The pipeline stage " + phase + " failed.");
        }
        throw DeployException.of("Unknown release result \"" + result + "\"", "mmRelease(phase: 'finish')'s result is SUCCEEDED or FAILED.");
    }

    private void writeRecord(ReleaseRecord record) {
        try {
            host.workspace().writeText(RECORD_FILE, ReleaseJson.pretty(record) + "\n");
        } catch (IOException e) {
            throw DeployException.of("Cannot write " + RECORD_FILE + " in " + host.workspace().describe(), String.valueOf(e.getMessage()));
        }
    }

    /** The policy as docs/STEPS.md gives it: gates in phase order, timeout in minutes. */
    static Map<String, Object> approval(EnvironmentSpec env) {
        ApprovalPolicy policy = policy(env);
        Duration timeout = policy.timeout() == null ? ApprovalPolicy.DEFAULT_TIMEOUT : policy.timeout();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("gates", Arrays.stream(Gate.values()).filter(policy.gates()::contains).map(Gate::id).toList());
        out.put("timeoutMinutes", (int) timeout.toMinutes());
        out.put("submitters", policy.submitters());
        out.put("fourEyes", policy.fourEyes());
        return out;
    }

    private static ApprovalPolicy policy(EnvironmentSpec env) {
        return env.approval() == null ? ApprovalPolicy.none() : env.approval();
    }

    // ---- images and git ----

    private static String builderKind(String builder) {
        String kind = builder == null || builder.isBlank() ? CLOUD_BUILD : builder.strip();
        if (!kind.equals(CLOUD_BUILD) && !kind.equals(DOCKER)) {
            throw DeployException.of("Unknown builder \"" + kind + "\"", "builder is " + CLOUD_BUILD + " (default) or " + DOCKER + ".");
        }
        return kind;
    }

    private BuildImages buildImages(EnvironmentSpec env, GoogleClients clients, String builder) {
        ImageBuilder images = builderKind(builder).equals(DOCKER)
                ? new DockerBuildxImageBuilder(commands(), host.workspace(), settings.buildTimeout())
                : CloudBuildImageBuilder.forEnvironment(clients, env, host.workspace(), null, settings.buildTimeout());
        return new BuildImages(images, new ImageCatalog(clients.artifactRegistry()), new ParallelRunner(settings.maxParallelBuilds()),
                log(BuildImages.STAGE));
    }

    /** The fingerprints and tags of this revision; the plan's isolation preflight refuses before anything is built. */
    private DeployPlan plan(EnvironmentSpec env) {
        Optional<? extends SourceTree> git = sourceTree();
        try {
            DeployPlan plan = new DeployPlanner(host.workspace(), git).plan(loaded, env.name(), null);
            if (!plan.isolated()) {
                throw IsolationViolation.refusal(plan.violations());
            }
            return plan;
        } finally {
            git.ifPresent(SourceTree::close);
        }
    }

    /** The checked-out revision, on this machine or an agent; empty outside git, or when the host has no launcher. */
    private Optional<Revision> revision(EnvironmentSpec env) {
        if (host.localRoot() == null && host.commands() == null) {
            return Optional.empty();
        }
        Optional<? extends SourceTree> git = sourceTree();
        try {
            return git.map(g -> g.revision("HEAD", env.branch()));
        } finally {
            git.ifPresent(SourceTree::close);
        }
    }

    /** JGit where the workspace is on this machine; the git program through the host's launcher where it is not. */
    private Optional<? extends SourceTree> sourceTree() {
        return host.localRoot() != null
                ? GitRepository.find(host.localRoot())
                : GitCommandSource.find(commands(), host.workspace().describe());
    }

    /** Outside git there is no fingerprint: a one-off value builds the image. */
    public static String fingerprint(ServicePlan service) {
        return service.fingerprint() != null ? service.fingerprint() : "unversioned-" + UUID.randomUUID();
    }

    public static List<String> tags(ServicePlan service) {
        if (service.tags().isEmpty()) {
            throw DeployException.of("No image tag for " + service.name(),
                    "Tags come from the git revision (the config's tag scheme); deploy from inside the app's git work tree.");
        }
        return service.tags();
    }

    static Map<String, Object> imageMap(ImageRef image) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("image", image.repository());
        out.put("tag", image.tag());
        out.put("tags", image.tags());
        out.put("digest", image.digest());
        out.put("ref", image.ref());
        out.put("built", image.built());
        return out;
    }

    private CommandRunner commands() {
        if (host.commands() == null) {
            throw DeployException.of("No way to run commands here", "This step runs programs (tofu, docker) and its host gave it no launcher:"
                    + " call it inside node { }.");
        }
        return host.commands();
    }

    /** Masked here as well as by the host: a secret a stage meets (a token, a secret's payload) never reaches a log. */
    private StageLog log(String stage) {
        return new StageLog(new MaskingEventSink(host.events(), host.mask()), stage);
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
