package io.mmdeploy.engine.release;

import com.sun.net.httpserver.HttpServer;
import io.mmdeploy.engine.config.DeployConfig;
import io.mmdeploy.engine.config.EnvironmentSpec;
import io.mmdeploy.engine.config.MigrationSpec;
import io.mmdeploy.engine.gcp.GoogleClients;
import io.mmdeploy.engine.gcp.fake.CapturedLog;
import io.mmdeploy.engine.gcp.fake.FakeCloudRun;
import io.mmdeploy.engine.gcp.fake.FakeGoogleCloud;
import io.mmdeploy.engine.images.ImageRef;
import io.mmdeploy.engine.migrations.RunMigrations;
import io.mmdeploy.engine.release.ReleaseRecord.Approval;
import io.mmdeploy.engine.release.ReleaseRecord.MigrationRun;
import io.mmdeploy.engine.release.ReleaseRecord.Outcome;
import io.mmdeploy.engine.run.ParallelRunner;
import io.mmdeploy.engine.source.Revision;
import io.mmdeploy.engine.testing.LoopbackHttp;
import io.mmdeploy.engine.traffic.CloudRunTraffic;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One environment of an app on the Google fakes, with a loopback HTTP server answering every service's health
 * check, and deploys done the way the pipeline does them: new revisions, migrations run, record finalised,
 * aliases moved. Shared with the CLI tests through the engine's test jar.
 */
public final class ReleaseWorld implements AutoCloseable {
    public static final Instant START = Instant.parse("2026-11-02T09:00:00Z");

    public final DeployConfig config;
    public final EnvironmentSpec env;
    public final FakeGoogleCloud cloud;
    public final GoogleClients clients;
    public final CapturedLog log = new CapturedLog();
    public final TestClock clock = new TestClock(START);
    public final Set<String> unhealthy = ConcurrentHashMap.newKeySet();
    public final SecretManagerReleaseStore store;
    public final CloudRunReleases releases;
    public final CloudRunTraffic traffic;
    public final LiveServices live;
    private final HttpServer http;
    /** The image each service (and the gateway) runs since the last deploy. */
    private final Map<String, ImageRef> current = new LinkedHashMap<>();

    private ReleaseWorld(DeployConfig config, EnvironmentSpec env) throws IOException {
        this.config = config;
        this.env = env;
        cloud = FakeGoogleCloud.start();
        clients = cloud.clients(env.projectId(), Duration.ofMinutes(1));
        store = new SecretManagerReleaseStore(clients.secretManager(), env, log.mask, new ParallelRunner(8), log.stage(ReleaseRecorder.STAGE));
        releases = new CloudRunReleases(clients, store, clock, d -> { }, log::stage, ParallelRunner.FRESH_THREADS);
        traffic = releases.traffic();
        live = releases.live();
        http = LoopbackHttp.server();
        http.createContext("/", exchange -> {
            String service = exchange.getRequestURI().getPath().split("/")[1];
            boolean healthy = !unhealthy.contains(service);
            byte[] body = (healthy ? "{\"status\":\"healthy\"}" : "{\"status\":\"down\"}").getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(healthy ? 200 : 503, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        http.start();
        for (String service : names()) {
            String cloudRunService = ReleaseRecorder.cloudRunService(config, env, service);
            cloud.cloudRun.addService(env.projectId(), env.region(), cloudRunService,
                    "http://127.0.0.1:" + http.getAddress().getPort() + "/" + cloudRunService);
        }
        for (MigrationSpec m : config.migrations()) {
            cloud.cloudRun.addJob(env.projectId(), env.region(), m.cloudRunJob(env), "none", 0);
        }
    }

    public static ReleaseWorld start(DeployConfig config, EnvironmentSpec env) throws IOException {
        return new ReleaseWorld(config, env);
    }

    /** The services, then the gateway. */
    public List<String> names() {
        List<String> names = new ArrayList<>(config.services().stream().map(s -> s.name()).toList());
        config.gatewaySpec().ifPresent(g -> names.add(g.name()));
        return names;
    }

    public String cloudRunService(String name) {
        return ReleaseRecorder.cloudRunService(config, env, name);
    }

    public String serviceName(String name) {
        return FakeCloudRun.serviceName(env.projectId(), env.region(), cloudRunService(name));
    }

    public String revision(String name, int deploy) {
        return cloudRunService(name) + "-0000" + deploy + "-rev";
    }

    public String digest(String name, int deploy) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest((name + "#" + deploy).getBytes(StandardCharsets.UTF_8));
            return "sha256:" + HexFormat.of().formatHex(hash);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public String repository(String name) {
        String image = config.service(name).map(s -> s.image()).orElseGet(() -> config.gateway().image());
        return env.registry().image(image);
    }

    public ImageRef image(String name) {
        return current.get(name);
    }

    public Revision commit(int deploy) {
        String sha = HexFormat.of().formatHex(("commit-" + deploy + "-0123456789abcdef").getBytes(StandardCharsets.UTF_8)).substring(0, 40);
        return new Revision(sha, env.branch(), List.of(), clock.instant().minus(Duration.ofHours(1)));
    }

    public ReleaseRecorder recorder() {
        return releases.recorder();
    }

    public AliasMove aliases() {
        return releases.aliases();
    }

    public EnvironmentRollback rollback() {
        return releases.rollback();
    }

    /**
     * Deploy number {@code n} as the pipeline does it: every service not listed in {@code reused} gets a new
     * image and revision, traffic goes to the latest revision (what an OpenTofu apply leaves), migrations run,
     * the record is finalised as succeeded, and the aliases move.
     */
    public ReleaseRecord deploy(int n, String... reused) throws InterruptedException {
        ReleaseRecord started = recorder().start(env, commit(n));
        clock.advance(Duration.ofMinutes(2));
        Set<String> keep = Set.of(reused);
        for (String name : names()) {
            if (keep.contains(name) && current.containsKey(name)) {
                continue;
            }
            ImageRef image = new ImageRef(name, repository(name), List.of(env.branch() + "-" + n), digest(name, n), true);
            current.put(name, image);
            cloud.artifactRegistry.push(image.repository(), image.digest(), image.tags());
            cloud.cloudRun.addRevision(serviceName(name), revision(name, n), image.ref(), true, clock.instant());
        }
        for (String name : names()) {
            traffic.routeToLatest(com.google.cloud.run.v2.ServiceName.parse(serviceName(name)));
        }
        List<MigrationRun> migrations = new RunMigrations(clients.jobs(), clients.executions(), log.stage(RunMigrations.STAGE))
                .run(env, config.migrations(), current, r -> { }).stream().map(MigrationRun::of).toList();
        clock.advance(Duration.ofMinutes(3));
        ReleaseRecord finished = recorder().finish(started, config, env,
                new DeployEvidence(current, List.of(), List.of(Approval.auto("services", clock.instant())), migrations), Outcome.succeeded());
        aliases().apply(config, env, finished);
        clock.advance(Duration.ofHours(1));
        return finished;
    }

    /** The revision taking all traffic of the service now. */
    public String serving(String name) {
        return live.read(env, name, cloudRunService(name)).soleRevision().orElse("(split)");
    }

    /** Where the alias tag points in the registry. */
    public String aliasDigest(String name) {
        return cloud.artifactRegistry.digestOf(repository(name), env.name() + "-latest").orElse(null);
    }

    @Override
    public void close() {
        http.stop(0);
        clients.close();
        cloud.close();
    }
}
