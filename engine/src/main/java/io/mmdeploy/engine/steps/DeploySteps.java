package io.mmdeploy.engine.steps;

import io.mmdeploy.engine.config.ApprovalPolicy;
import io.mmdeploy.engine.config.ApprovalPolicy.Gate;
import io.mmdeploy.engine.config.DeployConfig;
import io.mmdeploy.engine.config.EnvironmentSpec;
import io.mmdeploy.engine.config.GatewaySpec;
import io.mmdeploy.engine.config.LoadedConfig;
import io.mmdeploy.engine.config.MigrationSpec;
import io.mmdeploy.engine.config.ServiceSpec;
import io.mmdeploy.engine.diagnostics.DeployException;
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
import io.mmdeploy.engine.isolation.IsolationViolation;
import io.mmdeploy.engine.migrations.MigrationResult;
import io.mmdeploy.engine.migrations.RunMigrations;
import io.mmdeploy.engine.plan.DeployPlan;
import io.mmdeploy.engine.plan.DeployPlanner;
import io.mmdeploy.engine.plan.ServicePlan;
import io.mmdeploy.engine.release.CloudRunReleases;
import io.mmdeploy.engine.release.DeployEvidence;
import io.mmdeploy.engine.release.EnvironmentRollback;
import io.mmdeploy.engine.release.EnvironmentRollback.RollbackResult;
import io.mmdeploy.engine.release.AliasMove.MovedAlias;
import io.mmdeploy.engine.release.ReleaseHistory;
import io.mmdeploy.engine.release.ReleaseJson;
import io.mmdeploy.engine.release.ReleaseRecord;
import io.mmdeploy.engine.release.ReleaseRecord.Commit;
import io.mmdeploy.engine.release.ReleaseRecord.Kind;
import io.mmdeploy.engine.release.ReleaseRecord.Outcome;
import io.mmdeploy.engine.release.ReleaseRecorder;
import io.mmdeploy.engine.release.RollbackPlan;
import io.mmdeploy.engine.release.RollbackRequest;
import io.mmdeploy.engine.release.SecretManagerReleaseStore;
import io.mmdeploy.engine.source.ImageTags;
import io.mmdeploy.engine.source.Revision;
import io.mmdeploy.engine.source.SourceTree;
import io.mmdeploy.engine.release.ReleaseRecord.MigrationRun;
import io.mmdeploy.engine.release.ReleaseRecord.PlanRecord;
import io.mmdeploy.engine.port.Command;
import io.mmdeploy.engine.port.CommandRunner;
import io.mmdeploy.engine.port.MaskingEventSink;
import io.mmdeploy.engine.port.StageLog;
import io.mmdeploy.engine.run.ParallelRunner;
import io.mmdeploy.engine.serviceurls.CloudRunUrls;
import io.mmdeploy.engine.serviceurls.ServiceUrls;
import io.mmdeploy.engine.serviceurls.ServiceUrlsSecret;
import io.mmdeploy.engine.source.GitCommandSource;
import io.mmdeploy.engine.source.GitRepository;
import io.mmdeploy.engine.tofu.ApplyTofu;
import io.mmdeploy.engine.tofu.TofuCli;
import io.mmdeploy.engine.tofu.TofuRequest;
import io.mmdeploy.engine.tofu.TofuSettings;
import io.mmdeploy.engine.tofu.tfvars.ImageVarsWriter;
import java.io.IOException;
import java.net.http.HttpClient;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The deploy steps of docs/STEPS.md, one call each: a step's parameters in, its result map out (plain strings,
 * numbers, booleans, lists and maps). The plugin's steps and any other host call these and nothing else, so
 * that what a step does is tested here, without Jenkins.
 */
public final class DeploySteps {
    static final Duration BUILD_TIMEOUT = Duration.ofMinutes(20);
    static final Duration API_WAIT = Duration.ofMinutes(2);
    static final Duration HEALTH_REQUEST_TIMEOUT = Duration.ofSeconds(10);
    static final int MAX_PARALLEL_BUILDS = 8;
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

    private final StepHost host;
    private final LoadedConfig loaded;
    private final DeployConfig config;
    private final RunJournal journal;
    private final TofuSettings tofu;

    /** @param loaded the config, loaded from {@code host}'s workspace */
    public DeploySteps(StepHost host, LoadedConfig loaded, TofuSettings tofu) {
        this.host = host;
        this.loaded = loaded;
        this.config = loaded.config();
        this.journal = new RunJournal(host.workspace());
        this.tofu = tofu;
    }

    /**
     * mmBuildImages: builds (or reuses, when its fingerprint was built before) each service's image, writes the
     * references by digest into the environment's image var file and keeps them for the later steps.
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
        List<ImageRef> images;
        try (GoogleClients clients = host.google().open(env, BUILD_TIMEOUT)) {
            images = buildImages(env, clients, builder).run(requests);
        }
        writeImageVars(env, images);
        journal.update(env.name(), e -> e.withImages(images));
        Map<String, Object> byService = new LinkedHashMap<>();
        images.forEach(image -> byService.put(image.service(), imageMap(image)));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("images", byService);
        out.put("built", images.stream().filter(ImageRef::built).count());
        out.put("reused", images.stream().filter(i -> !i.built()).count());
        return out;
    }

    /** mmRunMigrations: points each migration job at its service's image of this deploy and runs it; a failure throws. */
    public Map<String, Object> runMigrations(String environment) throws InterruptedException {
        EnvironmentSpec env = config.environment(environment);
        Duration longest = config.migrations().stream().map(MigrationSpec::timeout).filter(Objects::nonNull)
                .max(Duration::compareTo).orElse(MigrationSpec.DEFAULT_TIMEOUT);
        List<MigrationResult> results;
        try (GoogleClients clients = host.google().open(env, longest)) {
            results = new RunMigrations(clients.jobs(), clients.executions(), log(RunMigrations.STAGE))
                    .run(env, config.migrations(), journal.read(env.name()).imageRefs());
        }
        journal.update(env.name(), e -> e.withMigrations(results.stream().map(MigrationRun::of).toList()));
        List<Map<String, Object>> executions = new ArrayList<>();
        for (MigrationResult r : results) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("job", r.job());
            e.put("execution", r.execution());
            e.put("result", MigrationResult.SUCCEEDED);
            e.put("succeededTasks", r.succeededTasks());
            e.put("failedTasks", r.failedTasks());
            e.put("logUri", r.logUri());
            executions.add(e);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("executions", executions);
        out.put("result", MigrationResult.SUCCEEDED);
        return out;
    }

    /**
     * mmApplyTofu: plan, or apply the approved plan, or both in one call where the policy has no gate before the
     * phase (the services phase; the gateway's when {@code target} is the gateway's address).
     */
    public Map<String, Object> applyTofu(String environment, String target, boolean planOnly, String approvedPlanHash) {
        EnvironmentSpec env = config.environment(environment);
        boolean gatewayTarget = target != null && config.gatewaySpec().map(g -> g.tofuTarget().equals(target)).orElse(false);
        return tofu(env, target, gatewayTarget ? Gate.GATEWAY : Gate.SERVICES, planOnly, approvedPlanHash).toMap();
    }

    /** mmServiceUrls: reads each service's URL from Cloud Run and stores them as a new version of the URLs secret. */
    public Map<String, Object> serviceUrls(String environment) {
        EnvironmentSpec env = config.environment(environment);
        try (GoogleClients clients = host.google().open(env, API_WAIT)) {
            StageLog log = log(ServiceUrlsSecret.STAGE);
            ServiceUrls urls = new CloudRunUrls(clients.services()).read(env, config.services());
            String version = new ServiceUrlsSecret(clients.secretManager(), host.mask(), log).publish(env, urls);
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("urls", new LinkedHashMap<>(urls.byService()));
            out.put("secret", version);
            return out;
        }
    }

    /**
     * mmDeployGateway. {@code buildOnly}: build (or reuse) the gateway image with the URLs of the secret and write
     * its reference into the var file, no plan. Otherwise plan and/or apply the gateway's targeted plan with the
     * image of that build, and after an apply, health-check the gateway.
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
            ImageRef image;
            try (GoogleClients clients = host.google().open(env, BUILD_TIMEOUT)) {
                image = new BuildGateway(new ServiceUrlsSecret(clients.secretManager(), host.mask(), log(ServiceUrlsSecret.STAGE)),
                        buildImages(env, clients, CLOUD_BUILD), log(BuildGateway.STAGE))
                        .run(config, env, fingerprint(planned), tags(planned));
            }
            writeImageVars(env, List.of(image));
            journal.update(env.name(), e -> e.withImages(List.of(image)));
            out.put("image", imageMap(image));
            out.put("urlsUsed", gateway.serviceUrlArgs().size());
            return out;
        }
        ImageRef image = Optional.ofNullable(journal.read(env.name()).imageRefs().get(gateway.name())).orElseThrow(() -> DeployException.of(
                "No gateway image for " + env.name(),
                "mmDeployGateway(buildOnly: true) builds it first (after mmServiceUrls); " + RunJournal.file(env.name())
                        + " in " + host.workspace().describe() + " names none."));
        ApplyTofu.Outcome outcome = tofu(env, gateway.tofuTarget(), Gate.GATEWAY, planOnly, approvedPlanHash);
        Map<String, Object> tofuResult = outcome.toMap();
        out.put("image", imageMap(image));
        out.put("urlsUsed", gateway.serviceUrlArgs().size());
        out.put("planHash", tofuResult.get("planHash"));
        out.put("summaryText", tofuResult.get("summaryText"));
        out.put("applied", outcome.applied());
        if (outcome.applied()) {
            out.put("health", healthCheck(environment, List.of(gateway.name())));
        }
        return out;
    }

    /**
     * mmHealthCheck: each service's (and the gateway's) health path, with its retries. An unhealthy result is
     * returned, not thrown: the pipeline decides what to roll back.
     *
     * @param only service or gateway names; null for all and the gateway
     */
    public Map<String, Object> healthCheck(String environment, List<String> only) throws InterruptedException {
        EnvironmentSpec env = config.environment(environment);
        HealthReport report;
        try (GoogleClients clients = host.google().open(env, API_WAIT)) {
            var targets = HealthTargets.of(config, env, new CloudRunUrls(clients.services()), only, null);
            report = new HealthCheck(HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build(), host.sleeper(),
                    new ParallelRunner(targets.size()), log(HealthCheck.STAGE), HEALTH_REQUEST_TIMEOUT).check(targets);
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
     * mmRelease. {@code start}: a deploy stores its in-progress record (with the release id of mmPreflight); a
     * rollback only notes its kind (mmRollback records itself). {@code finish}: the final record with what the run's
     * steps did, written to {@value #RECORD_FILE} in the workspace for the host to archive and show.
     *
     * @param result {@code SUCCEEDED} or {@code FAILED} (finish only)
     * @param failedPhase the pipeline stage that failed (finish, FAILED)
     * @param kind {@code deploy} (default) or {@code rollback} (start only)
     */
    public Map<String, Object> release(String environment, String phase, String result, String failedPhase, String kind) {
        EnvironmentSpec env = config.environment(environment);
        Map<String, Object> out = new LinkedHashMap<>();
        if (START.equals(phase)) {
            Kind runKind = kind(kind);
            RunJournal.Entry entry = journal.read(env.name());
            Optional<Revision> revision = revision(env);
            String id = entry.release() != null ? entry.release() : ReleaseRecord.newId(host.clock().instant(),
                    revision.map(Revision::shortSha).orElse(Preflight.UNVERSIONED));
            if (entry.release() == null) {
                journal.begin(env.name(), id);
            }
            ReleaseRecord started = null;
            if (runKind == Kind.DEPLOY) {
                started = ReleaseRecord.started(id, Kind.DEPLOY, env,
                        revision.map(Commit::of).orElse(null), host.clock().instant());
                try (GoogleClients clients = host.google().open(env, API_WAIT)) {
                    releases(env, clients).store().append(started);
                }
                writeRecord(started);
            }
            ReleaseRecord inProgress = started;
            journal.update(env.name(), e -> e.withKind(runKind.name().toLowerCase(Locale.ROOT), inProgress));
            out.put("release", id);
            out.put("record", started == null ? null : RECORD_FILE);
            return out;
        }
        if (!FINISH.equals(phase)) {
            throw DeployException.of("Unknown release phase \"" + phase + "\"", "mmRelease's phase is " + START + " or " + FINISH + ".");
        }
        Outcome outcome = outcome(result, failedPhase);
        RunJournal.Entry entry = journal.read(env.name());
        ReleaseRecord finished;
        try (GoogleClients clients = host.google().open(env, API_WAIT)) {
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
        }
        journal.update(env.name(), e -> e.withFinished(finished));
        writeRecord(finished);
        out.put("release", finished.id());
        out.put("record", RECORD_FILE);
        return out;
    }

    /**
     * mmRollback: moves Cloud Run traffic back (no build, no tofu), health-checks what moved and records the
     * rollback; the aliases follow when it is healthy.
     *
     * @param service a service, the gateway's name, or {@code all}
     * @param to {@code previous}, a release id, or (with one service) a revision
     * @param force go back past migrations the config does not mark compatible with the previous release
     */
    public Map<String, Object> rollback(String environment, String service, String to, boolean force) throws InterruptedException {
        EnvironmentSpec env = config.environment(environment);
        RollbackPlan plan;
        RollbackResult result;
        try (GoogleClients clients = host.google().open(env, API_WAIT)) {
            Releases releases = releases(env, clients);
            EnvironmentRollback rollback = releases.cloudRun().rollback();
            plan = rollback.plan(config, env, new RollbackRequest(to, service == null || ALL.equals(service) ? null : service, force));
            Instant moving = host.clock().instant();
            try {
                result = rollback.execute(config, env, plan);
            } catch (DeployException e) {
                // Stopped half-way: the rollback recorded itself as failed; that record is this run's, not a second one.
                ReleaseHistory.read(releases.store()).newest()
                        .filter(r -> r.kind() == Kind.ROLLBACK && !r.startedAt().isBefore(moving))
                        .ifPresent(failed -> journal.update(env.name(), j -> j.withRollback(failed)));
                throw e;
            }
        }
        journal.update(env.name(), e -> e.withRollback(result.record()));
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
    public Map<String, Object> moveAlias(String environment) {
        EnvironmentSpec env = config.environment(environment);
        ReleaseRecord finished = journal.read(env.name()).finished();
        if (finished == null || !finished.succeeded()) {
            throw DeployException.of("No succeeded release to move " + new ImageTags(env).alias() + " to",
                    finished == null ? "Call mmMoveAlias after mmRelease(phase: 'finish', result: 'SUCCEEDED')."
                            : "Release " + finished.id() + " " + finished.outcome().describe() + ": the alias stays where it is.");
        }
        List<MovedAlias> moved;
        try (GoogleClients clients = host.google().open(env, API_WAIT)) {
            moved = releases(env, clients).cloudRun().aliases().apply(config, env, finished);
        }
        Map<String, Object> images = new LinkedHashMap<>();
        moved.forEach(m -> images.put(m.service(), env.registry().image(m.image()) + "@" + m.digest()));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("alias", new ImageTags(env).alias());
        out.put("images", images);
        return out;
    }

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

    private ApplyTofu.Outcome tofu(EnvironmentSpec env, String target, Gate gate, boolean planOnly, String approvedPlanHash) {
        ApprovalPolicy policy = env.approval() == null ? ApprovalPolicy.none() : env.approval();
        if (!planOnly && approvedPlanHash == null && policy.gated(gate)) {
            throw DeployException.of("Refusing to plan and apply " + env.name() + " in one call",
                    "The " + env.name() + " policy requires approval before the " + gate.id() + " phase: plan with planOnly: true,"
                            + " pass the plan through mmApprovalGate, then apply it with approvedPlanHash: <the plan's planHash>.");
        }
        StageLog log = log("apply-tofu");
        ApplyTofu.Outcome outcome = new ApplyTofu(new TofuCli(asDeployer(env, commands()), tofu, log), host.workspace(), log, host.mask())
                .run(TofuRequest.of(env, "").withTarget(target), planOnly, approvedPlanHash);
        if (outcome.applied()) {
            journal.update(env.name(), e -> e.withPlan(PlanRecord.of(gate.id(), outcome.summary())));
        }
        return outcome;
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

    private BuildImages buildImages(EnvironmentSpec env, GoogleClients clients, String builder) {
        String kind = builder == null || builder.isBlank() ? CLOUD_BUILD : builder.strip();
        ImageBuilder images = switch (kind) {
            case CLOUD_BUILD -> CloudBuildImageBuilder.forEnvironment(clients, env, host.workspace(), null, BUILD_TIMEOUT);
            case DOCKER -> new DockerBuildxImageBuilder(commands(), host.workspace(), BUILD_TIMEOUT);
            default -> throw DeployException.of("Unknown builder \"" + kind + "\"", "builder is " + CLOUD_BUILD + " (default) or " + DOCKER + ".");
        };
        return new BuildImages(images, new ImageCatalog(clients.artifactRegistry()), new ParallelRunner(MAX_PARALLEL_BUILDS), log(BuildImages.STAGE));
    }

    /** The fingerprints and tags of this revision; the plan's isolation preflight refuses before anything is built. */
    private DeployPlan plan(EnvironmentSpec env) {
        Optional<? extends SourceTree> git = sourceTree();
        try {
            DeployPlan plan = new DeployPlanner(host.workspace(), git).plan(loaded, env.name(), null);
            if (!plan.isolated()) {
                throw new DeployException(plan.violations().stream().map(IsolationViolation::toDiagnostic).toList());
            }
            return plan;
        } finally {
            git.ifPresent(SourceTree::close);
        }
    }

    /** The checked-out revision; empty outside git, or when the workspace is elsewhere and the host has no launcher. */
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

    private void writeImageVars(EnvironmentSpec env, List<ImageRef> images) {
        Map<String, String> byVariable = new LinkedHashMap<>();
        for (ImageRef image : images) {
            String variable = config.service(image.service()).map(ServiceSpec::tfvarsVariable)
                    .or(() -> config.gatewaySpec().filter(g -> g.name().equals(image.service())).map(GatewaySpec::tfvarsVariable))
                    .orElseThrow();
            byVariable.put(variable, image.ref());
        }
        new ImageVarsWriter(host.workspace(), log("tfvars")).write(env.tofu().imageVarFile(), byVariable);
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
}
