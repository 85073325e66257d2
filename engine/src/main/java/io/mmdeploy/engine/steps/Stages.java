package io.mmdeploy.engine.steps;

import io.mmdeploy.engine.canary.CanaryRollout;
import io.mmdeploy.engine.canary.CloudMonitoringMetrics;
import io.mmdeploy.engine.config.EnvironmentSpec;
import io.mmdeploy.engine.diagnostics.DeployException;
import io.mmdeploy.engine.gateway.BuildGateway;
import io.mmdeploy.engine.gcp.GoogleClients;
import io.mmdeploy.engine.gcp.HttpProxy;
import io.mmdeploy.engine.health.CloudRunReadiness;
import io.mmdeploy.engine.health.HealthCheck;
import io.mmdeploy.engine.images.BuildImages;
import io.mmdeploy.engine.images.CloudBuildImageBuilder;
import io.mmdeploy.engine.images.DockerBuildxImageBuilder;
import io.mmdeploy.engine.images.ImageBuilder;
import io.mmdeploy.engine.images.ImageCatalog;
import io.mmdeploy.engine.lease.EnvironmentLease;
import io.mmdeploy.engine.lease.Lease;
import io.mmdeploy.engine.migrations.RunMigrations;
import io.mmdeploy.engine.notify.Webhooks;
import io.mmdeploy.engine.port.Command;
import io.mmdeploy.engine.port.CommandRunner;
import io.mmdeploy.engine.port.MaskingEventSink;
import io.mmdeploy.engine.port.StageLog;
import io.mmdeploy.engine.promotion.OciRegistry;
import io.mmdeploy.engine.release.CloudRunReleases;
import io.mmdeploy.engine.release.ReleaseRecord;
import io.mmdeploy.engine.release.ReleaseRecorder;
import io.mmdeploy.engine.release.SecretManagerReleaseStore;
import io.mmdeploy.engine.run.ParallelRunner;
import io.mmdeploy.engine.serviceurls.ServiceUrlsSecret;
import io.mmdeploy.engine.smoke.SmokeTests;
import io.mmdeploy.engine.source.ImageTags;
import io.mmdeploy.engine.tofu.ApplyTofu;
import io.mmdeploy.engine.tofu.TofuCli;
import io.mmdeploy.engine.tofu.TofuSettings;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The one place stages are built: the deploy's phases, the CLI's step commands and rollback all take theirs from here,
 * so they share one health check, one set of timeouts, one masking log and one way to run tofu as the deployer.
 */
public final class Stages {
    public static final String CLOUD_BUILD = "cloudbuild";
    public static final String DOCKER = "docker";
    /** Release-history versions read at once (Secret Manager allows 90,000 accesses a minute per project). */
    static final int HISTORY_READS = 8;
    /** Where OpenTofu's Google provider and gcs backend take an access token from. */
    static final String ACCESS_TOKEN_VARIABLE = "GOOGLE_OAUTH_ACCESS_TOKEN";
    /** How long one webhook may take to answer. */
    static final java.time.Duration WEBHOOK_TIMEOUT = java.time.Duration.ofSeconds(5);

    private final StepHost host;
    private final TofuSettings tofu;
    private final DeploySettings settings;
    private final HttpClient registryHttp;
    private final Map<Optional<HttpProxy>, HttpClient> checkClients = new ConcurrentHashMap<>();
    /** Each environment's release-record versions read so far in this run (versions never change). */
    private final Map<String, Map<Long, ReleaseRecord>> recordVersions = new ConcurrentHashMap<>();
    /**
     * The threads of this run's parallel work (builds, reads, checks), reused from phase to phase. Unbounded: each
     * {@link ParallelRunner} bounds its own work, and a lane never waits for a thread. Idle ones end after a few
     * seconds, so a finished run (a Jenkins step) leaves none behind.
     */
    private final ExecutorService threads;

    public Stages(StepHost host, TofuSettings tofu, DeploySettings settings) {
        this.host = host;
        this.tofu = tofu;
        this.settings = settings;
        this.threads = workerThreads();
        this.registryHttp = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(30)).build();
    }

    public StepHost host() {
        return host;
    }

    private static ExecutorService workerThreads() {
        AtomicInteger count = new AtomicInteger();
        return new ThreadPoolExecutor(0, Integer.MAX_VALUE, 5, TimeUnit.SECONDS, new SynchronousQueue<>(), task -> {
            Thread t = new Thread(task, "mm-deploy-worker-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** Runs at most {@code maxConcurrent} tasks at once on this run's threads. */
    public ParallelRunner parallel(int maxConcurrent) {
        return new ParallelRunner(maxConcurrent, threads);
    }

    /** This run's threads, for a stage that sizes its parallel work itself. */
    public Executor threads() {
        return threads;
    }

    public DeploySettings settings() {
        return settings;
    }

    /** Masked here as well as by the host: a secret a stage meets (a token, a secret's payload) never reaches a log. */
    public StageLog log(String stage) {
        return new StageLog(new MaskingEventSink(host.events(), host.mask()), stage);
    }

    /** Through the same HTTP proxy as the environment's clients (Jenkins' proxy configuration, in the plugin). */
    public HealthCheck healthCheck(GoogleClients clients) {
        return new HealthCheck(checks(clients), host.sleeper(), parallel(HealthCheck.PARALLEL), log(HealthCheck.STAGE),
                HealthCheck.REQUEST_TIMEOUT, new CloudRunReadiness(clients.services(), clients.revisions()));
    }

    /**
     * One HTTP client for the checks of every phase of this run (health, smoke tests, webhooks): a new one per phase would
     * start its own selector thread and connections each time.
     */
    private HttpClient checks(GoogleClients clients) {
        return checkClients.computeIfAbsent(clients.proxy(), proxy -> HealthCheck.httpClient(proxy, threads));
    }

    /** Through the same client as the health check; what a result says is masked with the run's secrets. */
    public SmokeTests smokeTests(GoogleClients clients) {
        return new SmokeTests(checks(clients), parallel(HealthCheck.PARALLEL), log(SmokeTests.STAGE),
                host.mask(), HealthCheck.REQUEST_TIMEOUT);
    }

    /** Webhooks through the host's proxy as well; a slow one holds the run back at most {@link #WEBHOOK_TIMEOUT}. */
    public Webhooks webhooks(GoogleClients clients) {
        return new Webhooks(checks(clients), log(Webhooks.STAGE), WEBHOOK_TIMEOUT);
    }

    /** The canary of the environment's services: Cloud Run traffic, Cloud Monitoring, the host's clock and waits. */
    public CanaryRollout rollout(EnvironmentSpec env, GoogleClients clients) {
        return new CanaryRollout(releases(env, clients).cloudRun().traffic(),
                new CloudMonitoringMetrics(clients.monitoring(), env.projectId(), env.region()), host.sleeper(), host.clock(), log(CanaryRollout.STAGE));
    }

    public ApplyTofu applyTofu(EnvironmentSpec env) {
        StageLog log = log(ApplyTofu.STAGE);
        return new ApplyTofu(new TofuCli(asDeployer(env, commands()), tofu, log), host.workspace(), log, host.mask());
    }

    public RunMigrations migrations(GoogleClients clients) {
        return new RunMigrations(clients.jobs(), clients.executions(), log(RunMigrations.STAGE), threads);
    }

    public ServiceUrlsSecret urlsSecret(GoogleClients clients) {
        return new ServiceUrlsSecret(clients.secretManager(), host.mask(), log(ServiceUrlsSecret.STAGE));
    }

    /** @param builder {@value #CLOUD_BUILD} (default) or {@value #DOCKER} */
    public BuildImages imageBuilds(EnvironmentSpec env, GoogleClients clients, String builder) {
        ImageBuilder images = builderKind(builder).equals(DOCKER)
                ? new DockerBuildxImageBuilder(commands(), host.workspace(), settings.buildTimeout(), new ImageTags(env).alias())
                : CloudBuildImageBuilder.forEnvironment(clients, env, host.workspace(), settings.contextBucket(), settings.buildTimeout());
        return new BuildImages(images, new ImageCatalog(clients.artifactRegistry()), parallel(settings.maxParallelBuilds()),
                log(BuildImages.STAGE));
    }

    /**
     * The environment's Docker registry, reached with that environment's own token only (masked in every log).
     * Redirects are followed by hand, so the registry's token never travels to the storage a blob redirects to.
     */
    public OciRegistry registry(EnvironmentSpec env) {
        return new OciRegistry(env.name() + "'s registry " + env.registry().host(), host.google().registryEndpoint(env), () -> {
            String token = host.google().registryToken(env);
            host.mask().add(token);
            return token;
        }, registryHttp, settings.apiWait());
    }

    public BuildGateway gatewayBuild(EnvironmentSpec env, GoogleClients clients) {
        return new BuildGateway(urlsSecret(clients), imageBuilds(env, clients, CLOUD_BUILD), log(BuildGateway.STAGE));
    }

    /** The release records of an environment: its store and the Cloud Run side (rollback, aliases, recorder). */
    public record Releases(SecretManagerReleaseStore store, CloudRunReleases cloudRun) {}

    public Releases releases(EnvironmentSpec env, GoogleClients clients) {
        SecretManagerReleaseStore store = new SecretManagerReleaseStore(clients.secretManager(), env, host.mask(),
                parallel(HISTORY_READS), log(ReleaseRecorder.STAGE),
                recordVersions.computeIfAbsent(env.projectId() + "/" + env.name(), k -> new ConcurrentHashMap<>()));
        return new Releases(store, new CloudRunReleases(clients, store, host.clock(), host.sleeper(), this::log, threads));
    }

    /** The environment's lease in its state bucket; empty when the environment has no gcs backend. */
    public Optional<EnvironmentLease> lease(EnvironmentSpec env, GoogleClients clients) {
        return EnvironmentLease.of(env, host.workspace(), clients.storage(), host.clock(), host.sleeper(), log(EnvironmentLease.STAGE));
    }

    /** Takes the lease as {@code release} of this host, with the settings' wait and break rule; null without a state bucket. */
    public Lease acquireLease(EnvironmentSpec env, GoogleClients clients, String release) throws InterruptedException {
        return acquireLease(env, clients, release, null);
    }

    /** @param held the lease an earlier phase of this run took in this process; null for none */
    public Lease acquireLease(EnvironmentSpec env, GoogleClients clients, String release, Lease held) throws InterruptedException {
        Optional<EnvironmentLease> lease = lease(env, clients);
        return lease.isEmpty() ? null : lease.get().acquire(host.holder(), release, settings.leaseWait(), settings.breakLease(), held);
    }

    public static String builderKind(String builder) {
        String kind = builder == null || builder.isBlank() ? CLOUD_BUILD : builder.strip();
        if (!kind.equals(CLOUD_BUILD) && !kind.equals(DOCKER)) {
            throw DeployException.of("Unknown builder \"" + kind + "\"", "builder is " + CLOUD_BUILD + " (default) or " + DOCKER + ".");
        }
        return kind;
    }

    public CommandRunner commands() {
        if (host.commands() == null) {
            throw DeployException.of("No way to run commands here", "This step runs programs (tofu, docker) and its host gave it no launcher:"
                    + " call it inside node { }.");
        }
        return host.commands();
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
}
