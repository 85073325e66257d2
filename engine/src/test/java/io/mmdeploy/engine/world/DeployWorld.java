package io.mmdeploy.engine.world;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.mmdeploy.engine.config.ConfigLoader;
import io.mmdeploy.engine.config.DeployConfig;
import io.mmdeploy.engine.config.EnvironmentSpec;
import io.mmdeploy.engine.config.GatewaySpec;
import io.mmdeploy.engine.config.MigrationSpec;
import io.mmdeploy.engine.config.ServiceSpec;
import io.mmdeploy.engine.gcp.GoogleClients;
import io.mmdeploy.engine.gcp.fake.CapturedLog;
import io.mmdeploy.engine.gcp.fake.FakeCloudRun;
import io.mmdeploy.engine.gcp.fake.FakeGoogleCloud;
import io.mmdeploy.engine.port.local.LocalWorkspace;
import io.mmdeploy.engine.release.ReleaseJson;
import io.mmdeploy.engine.release.ReleaseRecord;
import io.mmdeploy.engine.release.SecretManagerReleaseStore;
import io.mmdeploy.engine.release.TestClock;
import io.mmdeploy.engine.serviceurls.ServiceUrlsSecret;
import io.mmdeploy.engine.testing.ExampleRepo;
import io.mmdeploy.engine.testing.LoopbackHttp;
import io.mmdeploy.engine.tofu.tfvars.TfvarsDocument;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.PersonIdent;

/**
 * The whole deploy's world, stateful and joined: one Google Cloud (the in-process fakes: Cloud Run, Cloud Build,
 * Artifact Registry, Secret Manager, Storage) holding both environments of the example app, an OpenTofu whose apply
 * really changes that Cloud Run ({@link WorldTofu}), and every revision answering its health path on loopback as the
 * test scripts it. The app lives in an origin git repository; each {@link Checkout} is a fresh clone, as a Jenkins
 * workspace or a terminal has one. Tests assert on this world's end state.
 */
public final class DeployWorld implements AutoCloseable {
    /** How a revision answers its health check (and FAILS_SMOKE: healthy, but its GraphQL answers errors). */
    public enum Health { HEALTHY, UNHEALTHY, SLOW, REDIRECT, FAILS_SMOKE }

    /** The deployer's access token the host hands to tofu: a secret. */
    public static final String TOKEN = "ya29.world-access-token-7d1e55";
    /** Each environment's own Google token for its registry: a registry accepts only its own. */
    public static String registryToken(String environment) {
        return "ya29.registry-" + environment + "-5d21";
    }

    /** The gateway's smoke test token, the payload of the secret mesh-smoke-token in each environment: a secret. */
    public static final String SMOKE_TOKEN = "smk-3f9a1c77e2d04b5a";
    public static final String SMOKE_SECRET = "mesh-smoke-token";
    public static final Instant START = Instant.parse("2026-12-01T09:00:00Z");

    public final FakeGoogleCloud cloud;
    public final TestClock clock = new TestClock(START);
    public final CapturedLog log = new CapturedLog();
    /** Environment → the loopback Docker registry standing in for its Artifact Registry host (promotion tests). */
    public final Map<String, java.net.URI> registries = new ConcurrentHashMap<>();
    final Path dir;
    final Path origin;
    final String branch;
    private final HttpServer http;
    /** As many as the checks ask at once (the engine's health check runs up to 16), so no request queues behind another's latency. */
    private final java.util.concurrent.ExecutorService healthThreads = java.util.concurrent.Executors.newCachedThreadPool();
    /** Webhook id → the bodies it received, in order. */
    private final Map<String, List<String>> hooks = new ConcurrentHashMap<>();
    /** Webhook ids that answer 500. */
    private final java.util.Set<String> failingHooks = ConcurrentHashMap.newKeySet();
    /** Cloud Run service name → (revisions numbered above this answer so, until healed). */
    private final Map<String, Scripted> scripted = new ConcurrentHashMap<>();
    private final AtomicInteger checkouts = new AtomicInteger();
    /** Cloud Run service (short name) → HTTP requests it received. */
    private final Map<String, AtomicInteger> requests = new ConcurrentHashMap<>();
    private final List<Checkout> opened = new ArrayList<>();
    final WorldTofu tofu;
    private DeployConfig config;

    private record Scripted(int above, Health health) {}

    /** Changes the example app's repository before the world is built from it (then committed). */
    @FunctionalInterface
    public interface RepoShape {
        RepoShape NONE = origin -> { };

        void apply(Path origin) throws IOException;
    }

    private DeployWorld(Path dir, String branch, RepoShape shape) throws IOException {
        this.dir = dir;
        this.branch = branch;
        this.origin = dir.resolve("origin");
        ExampleRepo.gitRepoInto(origin, branch);
        if (shape != RepoShape.NONE) {
            shape.apply(origin);
            try (org.eclipse.jgit.api.Git git = org.eclipse.jgit.api.Git.open(origin.toFile())) {
                git.add().addFilepattern(".").call();
                git.commit().setMessage("shape the app").setAuthor("world", "world@example.com")
                        .setCommitter("world", "world@example.com").call();
            } catch (org.eclipse.jgit.api.errors.GitAPIException e) {
                throw new IOException(e);
            }
        }
        cloud = FakeGoogleCloud.start();
        http = LoopbackHttp.server();
        http.createContext("/", this::answer);
        http.createContext("/hooks/", this::hook);
        http.setExecutor(healthThreads);
        http.start();
        config = config();
        tofu = new WorldTofu(config, cloud.cloudRun, clock);
        for (EnvironmentSpec env : config.environments().values()) {
            environment(env);
        }
    }

    /** The example app on {@code branch} (staging deploys from staging, production from main). */
    public static DeployWorld start(Path dir, String branch) throws IOException {
        return new DeployWorld(dir, branch, RepoShape.NONE);
    }

    public static DeployWorld start(Path dir, String branch, RepoShape shape) throws IOException {
        return new DeployWorld(dir, branch, shape);
    }

    public DeployConfig config() {
        LocalWorkspace ws = new LocalWorkspace(origin);
        return new ConfigLoader(ws).load(ExampleRepo.CONFIG).config();
    }

    public EnvironmentSpec env(String name) {
        return config.environment(name);
    }

    /** Every service and the gateway serve their committed image from one first revision; jobs and buckets exist. */
    private void environment(EnvironmentSpec env) throws IOException {
        Path varFile = origin.resolve(env.tofu().imageVarFile());
        Map<String, String> vars = TfvarsDocument.parse(varFile.toString(), Files.readString(varFile)).strings();
        for (String name : names()) {
            String cloudRunService = cloudRunService(env, name);
            cloud.cloudRun.addService(env.projectId(), env.region(), cloudRunService,
                    "http://127.0.0.1:" + http.getAddress().getPort() + "/" + cloudRunService);
            cloud.cloudRun.deployImage(serviceName(env, name), vars.get(variable(name)), clock.instant());
        }
        for (MigrationSpec m : config.migrations()) {
            cloud.cloudRun.addJob(env.projectId(), env.region(), m.cloudRunJob(env), vars.get(variable(m.service())), 0);
        }
        Path backend = origin.resolve(env.tofu().backendConfig());
        String bucket = TfvarsDocument.parse(backend.toString(), Files.readString(backend)).strings().get("bucket");
        cloud.storage.addBucket(bucket, env.projectNumber());
        cloud.secretManager.put(env.projectId(), SMOKE_SECRET, SMOKE_TOKEN);
    }

    /** Service names and the gateway's. */
    public List<String> names() {
        List<String> out = new ArrayList<>(config.services().stream().map(ServiceSpec::name).toList());
        config.gatewaySpec().ifPresent(g -> out.add(g.name()));
        return out;
    }

    String variable(String name) {
        return config.service(name).map(ServiceSpec::tfvarsVariable)
                .orElseGet(() -> config.gatewaySpec().map(GatewaySpec::tfvarsVariable).orElseThrow());
    }

    public String cloudRunService(EnvironmentSpec env, String name) {
        return config.service(name).map(s -> s.cloudRunService(env))
                .orElseGet(() -> config.gatewaySpec().orElseThrow().cloudRunService(env));
    }

    public String serviceName(EnvironmentSpec env, String name) {
        return FakeCloudRun.serviceName(env.projectId(), env.region(), cloudRunService(env, name));
    }

    // ---- the app's repository ----

    /** Changes a file of the app and commits it in the origin; the next checkout deploys it. */
    public String commit(String file, String text, String message) {
        ExampleRepo repo = ExampleRepo.at(origin);
        repo.write(file, text);
        String sha = repo.commit(message);
        config = config();
        return sha;
    }

    /** Changes a file of the app and commits it in the origin as written by {@code author}. */
    public String commit(String file, String text, String message, PersonIdent author) {
        ExampleRepo repo = ExampleRepo.at(origin);
        repo.write(file, text);
        String sha = repo.commit(message, author);
        config = config();
        return sha;
    }

    /** Replaces text in a file of the app and commits it. */
    public String commitReplace(String file, String from, String to, String message) {
        ExampleRepo repo = ExampleRepo.at(origin);
        repo.replace(file, from, to);
        String sha = repo.commit(message);
        config = config();
        return sha;
    }

    /** A fresh clone of the origin, as a new Jenkins workspace or another terminal has it. */
    public Checkout checkout(String holder) {
        Path root = dir.resolve("checkout-" + checkouts.incrementAndGet());
        try (Git git = Git.cloneRepository().setURI(origin.toUri().toString()).setDirectory(root.toFile()).setBranch(branch).call()) {
            git.getRepository().getConfig().save();
        } catch (GitAPIException | IOException e) {
            throw new IllegalStateException(e);
        }
        Checkout c = new Checkout(this, root, holder);
        opened.add(c);
        return c;
    }

    // ---- what Cloud Monitoring sees while a canary holds ----

    /** A revision's traffic per minute, given its share of the service's traffic in percent. */
    @FunctionalInterface
    public interface Traffic {
        long[] perMinute(int percent);
    }

    private final Map<String, Traffic> canaryTraffic = new ConcurrentHashMap<>();

    /**
     * While a canary of the service holds, its new revision serves what {@code traffic} says for its share (requests,
     * 5xx, p95 ms per minute), and the revision it replaces a healthy rest; Monitoring sees exactly that.
     */
    public void canaryServes(String environment, String name, Traffic traffic) {
        canaryTraffic.put(serviceName(env(environment), name), traffic);
    }

    /** Called before the world's clock moves for a wait: each split service serves its shares from now on. */
    void beforeWait() {
        Instant now = clock.instant();
        for (Map.Entry<String, Traffic> e : canaryTraffic.entrySet()) {
            String service = e.getKey();
            String[] parts = service.split("/");
            for (String target : cloud.cloudRun.traffic(service)) {
                String revision = target.substring(0, target.indexOf('='));
                int percent = Integer.parseInt(target.replaceAll(".*=(\\d+).*", "$1"));
                long[] t = target.contains("#canary") ? e.getValue().perMinute(percent) : new long[] {percent * 10L, 0, 150};
                cloud.monitoring.serve(parts[1], parts[3], parts[5], revision, now, t[0], t[1], t[2]);
            }
        }
    }

    // ---- health on loopback ----

    /** Revisions of the service created from now on answer its health check so, until {@link #heal()}. */
    public void nextRevisions(String environment, String name, Health health) {
        String service = serviceName(env(environment), name);
        scripted.put(service, new Scripted(cloud.cloudRun.revisionsOf(service).size(), health));
    }

    public void heal() {
        scripted.clear();
    }

    public Health health(String serviceName, String revision) {
        Scripted s = scripted.get(serviceName);
        if (s == null || revision == null) {
            return Health.HEALTHY;
        }
        int number = Integer.parseInt(revision.replaceAll(".*-(\\d{5})-w$", "$1"));
        return number > s.above() ? s.health() : Health.HEALTHY;
    }

    /** How long a health request takes to answer (the benchmark's profile). */
    volatile Duration healthLatency = Duration.ZERO;

    // ---- webhooks on loopback ----

    /** A webhook's URL: it names a token, as a Slack webhook's URL does, so it is a secret. */
    public String hookUrl(String id) {
        return "http://127.0.0.1:" + http.getAddress().getPort() + "/hooks/" + id + "/T0WORLD/" + hookToken(id);
    }

    public static String hookToken(String id) {
        return "hk-" + Integer.toHexString(id.hashCode()) + "-4c1d9e0b7a";
    }

    /** Stores a webhook's URL as a secret of the environment, as a team would. */
    public void addHook(String environment, String secretId, String hookId) {
        cloud.secretManager.put(env(environment).projectId(), secretId, hookUrl(hookId));
    }

    public List<String> received(String hookId) {
        return List.copyOf(hooks.getOrDefault(hookId, List.of()));
    }

    public void failHook(String hookId) {
        failingHooks.add(hookId);
    }

    private void hook(HttpExchange x) throws IOException {
        String id = x.getRequestURI().getPath().split("/")[2];
        String body = new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        if (!x.getRequestURI().getPath().endsWith("/" + hookToken(id))) {
            send(x, 404, "no such hook");
            return;
        }
        hooks.computeIfAbsent(id, k -> new java.util.concurrent.CopyOnWriteArrayList<>()).add(body);
        send(x, failingHooks.contains(id) ? 500 : 200, "ok");
    }

    /** HTTP requests the Cloud Run service (short name, with the environment's suffix; {@code <name>/graphql}: to that path) received. */
    public int requestsTo(String cloudRunService) {
        AtomicInteger n = requests.get(cloudRunService);
        return n == null ? 0 : n.get();
    }

    private void answer(HttpExchange x) throws IOException {
        String[] path = x.getRequestURI().getPath().split("/");
        boolean graphql = path.length > 2 && path[path.length - 1].equals("graphql");
        // The profile's latency is a health request's: a smoke test's query is not in it.
        if (!healthLatency.isZero() && !graphql) {
            try {
                Thread.sleep(healthLatency.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        // A tag's URL (FakeCloudRun.tagUri) reaches the revision with that tag; the service's own URL its serving one.
        String tag = path[1].contains("---") ? path[1].substring(0, path[1].indexOf("---")) : null;
        String cloudRunService = tag == null ? path[1] : path[1].substring(tag.length() + 3);
        requests.computeIfAbsent(path[1], k -> new AtomicInteger()).incrementAndGet();
        String full = config.environments().values().stream()
                .map(e -> FakeCloudRun.serviceName(e.projectId(), e.region(), cloudRunService))
                .filter(n -> cloud.cloudRun.service(n) != null).findFirst().orElse(null);
        Health health = full == null ? Health.UNHEALTHY
                : health(full, tag == null ? cloud.cloudRun.servingRevision(full) : cloud.cloudRun.taggedRevision(full, tag));
        if (graphql) {
            requests.computeIfAbsent(path[1] + "/graphql", k -> new AtomicInteger()).incrementAndGet();
            graphql(x, health);
            return;
        }
        if (path.length > 2 && path[path.length - 1].equals("redirected")) {
            health = Health.HEALTHY;
        }
        switch (health) {
            case UNHEALTHY -> send(x, 503, "{\"status\":\"down\"}");
            case SLOW -> {
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                send(x, 200, "{\"status\":\"healthy\"}");
            }
            case REDIRECT -> {
                x.getResponseHeaders().add("Location", "/" + cloudRunService + "/redirected");
                x.sendResponseHeaders(302, -1);
                x.close();
            }
            default -> send(x, 200, "{\"status\":\"healthy\"}");
        }
    }

    /** The gateway's GraphQL endpoint: only with the smoke token, only for a query; a FAILS_SMOKE revision answers errors. */
    private static void graphql(HttpExchange x, Health health) throws IOException {
        String body = new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        if (!("Bearer " + SMOKE_TOKEN).equals(x.getRequestHeaders().getFirst("Authorization"))) {
            send(x, 401, "{\"errors\":[{\"message\":\"unauthenticated\"}]}");
        } else if (!x.getRequestMethod().equals("POST") || !body.contains("__typename")) {
            send(x, 400, "{\"errors\":[{\"message\":\"no query\"}]}");
        } else if (health == Health.FAILS_SMOKE) {
            send(x, 200, "{\"data\":null,\"errors\":[{\"message\":\"Cannot reach subgraph journal\"}]}");
        } else {
            send(x, health == Health.UNHEALTHY ? 503 : 200, "{\"data\":{\"__typename\":\"Query\"}}");
        }
    }

    private static void send(HttpExchange x, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        x.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = x.getResponseBody()) {
            out.write(bytes);
        }
    }

    // ---- the end state ----

    public GoogleClients clients(EnvironmentSpec env) {
        return cloud.clients(env.projectId(), Duration.ofMinutes(1));
    }

    /** The release records of the environment, oldest first, each the newest stored copy of its id. */
    public List<ReleaseRecord> records(String environment) {
        EnvironmentSpec env = env(environment);
        Map<String, ReleaseRecord> byId = new LinkedHashMap<>();
        for (String payload : cloud.secretManager.payloads(env.projectId(), SecretManagerReleaseStore.secretId(env))) {
            ReleaseRecord r = ReleaseJson.read(payload, "world");
            byId.put(r.id(), r);
        }
        return List.copyOf(byId.values());
    }

    public ReleaseRecord newestRecord(String environment) {
        List<ReleaseRecord> all = records(environment);
        assertThat(all).as("release records of " + environment).isNotEmpty();
        return all.get(all.size() - 1);
    }

    /** What serves each service and the gateway now: name → image of the serving revision. */
    public Map<String, String> serving(String environment) {
        EnvironmentSpec env = env(environment);
        Map<String, String> out = new LinkedHashMap<>();
        for (String name : names()) {
            String service = serviceName(env, name);
            out.put(name, cloud.cloudRun.revisionImage(service, cloud.cloudRun.servingRevision(service)));
        }
        return out;
    }

    public int revisionCount(String environment, String name) {
        return cloud.cloudRun.revisionsOf(serviceName(env(environment), name)).size();
    }

    public long migrationExecutions() {
        return cloud.cloudRun.executions().size();
    }

    public long builds() {
        return cloud.cloudBuild.submitted().size();
    }

    public List<String> urlsSecretVersions(String environment) {
        EnvironmentSpec env = env(environment);
        return cloud.secretManager.payloads(env.projectId(), ServiceUrlsSecret.secretId(env));
    }

    public Map<String, String> leaseOf(String environment) {
        EnvironmentSpec env = env(environment);
        try {
            Path backend = origin.resolve(env.tofu().backendConfig());
            Map<String, String> b = TfvarsDocument.parse(backend.toString(), Files.readString(backend)).strings();
            return cloud.storage.objectMetadata(b.get("bucket"), b.get("prefix") + "/mm-deploy.lease");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The end state every deploy of the origin's head must reach, fault or no fault: the newest record is a succeeded
     * deploy of that commit; every service and the gateway serve exactly the recorded image from a healthy revision with
     * all traffic; the jobs run their services' recorded images; the URLs secret names every service; the alias names
     * the recorded digests; nobody holds the lease.
     */
    public ReleaseRecord assertConverged(String environment) {
        EnvironmentSpec env = env(environment);
        ReleaseRecord record = newestRecord(environment);
        assertThat(record.succeeded()).as("newest record " + record.id() + ": " + record.outcome().describe()).isTrue();
        assertThat(record.kind()).isEqualTo(ReleaseRecord.Kind.DEPLOY);
        assertThat(record.commit().sha()).isEqualTo(head());
        for (String name : names()) {
            String service = serviceName(env, name);
            ReleaseRecord.ServiceRelease released = record.serving(name).orElseThrow();
            String revision = cloud.cloudRun.servingRevision(service);
            assertThat(revision).as(name + " serves the recorded revision").isEqualTo(released.revision());
            assertThat(cloud.cloudRun.revisionImage(service, revision)).as(name + " serves the recorded image").isEqualTo(released.image().ref());
            assertThat(health(service, revision)).as(name + " is healthy").isEqualTo(Health.HEALTHY);
            assertThat(cloud.cloudRun.trafficOnLatest(service)).as(name + " has its traffic on the latest revision").isTrue();
            assertThat(cloud.artifactRegistry.digestOf(released.image().repository(), env.name() + "-latest"))
                    .as(name + "'s alias").contains(released.image().digest());
        }
        for (MigrationSpec m : config.migrations()) {
            assertThat(cloud.cloudRun.jobImage(FakeCloudRun.jobName(env.projectId(), env.region(), m.cloudRunJob(env))))
                    .as(m.job() + " runs its service's image").isEqualTo(record.serving(m.service()).orElseThrow().image().ref());
        }
        List<String> urls = urlsSecretVersions(environment);
        assertThat(urls).isNotEmpty();
        config.httpServices().forEach(s -> assertThat(urls.get(urls.size() - 1)).contains(s.cloudRunService(env)));
        config.services().stream().filter(s -> !s.health().http())
                .forEach(s -> assertThat(urls.get(urls.size() - 1)).as("a worker has no URL").doesNotContain(s.name()));
        assertThat(leaseOf(environment)).as("the lease is given back").isNull();
        return record;
    }

    public String head() {
        try (Git git = Git.open(origin.toFile())) {
            return git.getRepository().resolve("HEAD").getName();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * No secret reached a log line, a stored record, a journal or a record file: the deployer's token, tofu's
     * sensitive output, and the URLs secret's payloads are looked for everywhere.
     */
    public void assertNoSecretLeaked() throws IOException {
        List<String> secrets = new ArrayList<>(List.of(TOKEN, WorldTofu.DB_PASSWORD, SMOKE_TOKEN));
        hooks.keySet().forEach(id -> secrets.add(hookToken(id)));
        StringBuilder everything = new StringBuilder(log.text());
        // What the webhooks were told is searched too: a notification carries no secret.
        hooks.values().forEach(bodies -> bodies.forEach(everything::append));
        for (EnvironmentSpec env : config.environments().values()) {
            cloud.secretManager.payloads(env.projectId(), SecretManagerReleaseStore.secretId(env)).forEach(everything::append);
        }
        for (Checkout c : opened) {
            try (Stream<Path> files = Files.walk(c.root)) {
                for (Path f : (Iterable<Path>) files::iterator) {
                    String name = f.getFileName().toString();
                    if (Files.isRegularFile(f) && (name.endsWith(".run.json") || name.equals("mm-release.json") || name.endsWith(".summary.json"))) {
                        everything.append(Files.readString(f));
                    }
                }
            }
        }
        String text = everything.toString();
        for (String secret : secrets) {
            assertThat(text).as("a secret leaked").doesNotContain(secret);
        }
        assertThat(text).as("the scan read something").contains("mindmirror");
    }

    @Override
    public void close() {
        http.stop(0);
        healthThreads.shutdownNow();
        cloud.close();
    }
}
