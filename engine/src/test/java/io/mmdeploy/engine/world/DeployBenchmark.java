package io.mmdeploy.engine.world;

import io.mmdeploy.engine.config.DeployConfig;
import io.mmdeploy.engine.config.MigrationSpec;
import io.mmdeploy.engine.config.RolloutPolicy;
import io.mmdeploy.engine.config.ServiceSpec;
import io.mmdeploy.engine.flow.FlowGraph;
import io.mmdeploy.engine.flow.Phase;
import io.mmdeploy.engine.health.HealthCheck;
import io.mmdeploy.engine.steps.DeployRun;
import io.mmdeploy.engine.steps.RunJournal;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.Set;
import java.util.function.Function;

/**
 * The whole deploy, timed (prints figures, asserts nothing; {@code scripts/bench-deploy}). Each scenario runs
 * {@code mmdeploy deploy}'s flow in the whole-deploy world with simulated latencies at 1 real minute = 100 ms, and
 * sets the wall time against the critical path of the flow's own graph under the same profile, and against the
 * chain of the same phases one after another. The profile: a service build 2–4 min (seeded spread; 1 min when only
 * sources changed, the layer cache keeping the dependencies), the gateway's 2.5 min, a migration 1 min (no sooner than its
 * service's image, where the flow starts migrations with the builds), tofu init
 * 20 s, a plan 30 s, an apply 60 s + 5 s per changed resource (and, with the environment's rollout, its holds: the
 * example's production holds 2 × 5 min), health 5 s (per round of the check's parallel requests); gates are answered at once. The URLs
 * secret's write (1 s) is not slowed down here, so it adds nothing to either side.
 *
 * <p>Each scenario runs {@link #RUNS} times, each in a new world; it prints the line of the run with the median wall time.
 * Arguments: scenario names to run (default all); {@code --seed N} for the build spread; {@code --explain} prints
 * when each step of that run started and ended.
 */
public final class DeployBenchmark {
    /** 1 real minute of the profile, in benchmark milliseconds. */
    static final double MS_PER_MINUTE = 100;
    static final String GATEWAY_REPO = "mesh-gateway";
    static final int WARM_UPS = 40;
    /** Runs per scenario: its line is the one of the median wall time. */
    static final int RUNS = 3;

    private final long seed;
    private final boolean explain;

    private DeployBenchmark(long seed, boolean explain) {
        this.seed = seed;
        this.explain = explain;
    }

    static Duration minutes(double minutes) {
        return Duration.ofNanos(Math.round(minutes * MS_PER_MINUTE * 1_000_000));
    }

    /** One run of a scenario: its wall time, its critical path, and what it prints. */
    private record Measured(Duration wall, Duration critical, String report) {}

    /** What one scenario does before and during the timed deploy. */
    private record Scenario(String name, String branch, int extraServices, boolean primeFirst, String changeService) {}

    public static void main(String[] args) throws Exception {
        long seed = 42;
        boolean explain = false;
        List<String> only = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--explain")) {
                explain = true;
            } else if (args[i].equals("--seed")) {
                seed = Long.parseLong(args[++i]);
            } else {
                only.add(args[i]);
            }
        }
        List<Scenario> all = List.of(
                new Scenario("staging-all-changed", "staging", 0, false, null),
                new Scenario("staging-one-changed", "staging", 0, true, "journal"),
                new Scenario("staging-nothing-changed", "staging", 0, true, null),
                new Scenario("production-all-changed", "main", 0, false, null),
                new Scenario("staging-50-services", "staging", 50 - 8, false, null));
        DeployBenchmark bench = new DeployBenchmark(seed, explain);
        // Warm the JIT with unslowed deploys first: the figures are of the steady state, not of class loading and the
        // interpreter. scripts/bench-deploy runs the JVM with C1 only (-XX:TieredStopAtLevel=1): a deploy is mostly
        // run-once glue, and C2 needed about 300 deploys here before its compiler threads stopped taking one of the two
        // cores from the deploys they measure; with C1 a deploy's fixed cost is steady (about 65 ms) after some 30.
        for (int i = 0; i < WARM_UPS; i++) {
            bench.warmUp();
        }
        Map<String, Duration> critical = new LinkedHashMap<>();
        for (Scenario s : all) {
            if (only.isEmpty() || only.contains(s.name())) {
                // Each scenario a few times, each in a world of its own: one run's figures swing by ±10 ms here.
                List<Measured> runs = new ArrayList<>();
                for (int i = 0; i < RUNS; i++) {
                    runs.add(bench.run(s));
                }
                runs.sort(Comparator.comparing(Measured::wall));
                Measured median = runs.get(runs.size() / 2);
                System.out.print(median.report());
                critical.put(s.name(), median.critical());
            }
        }
        if (critical.containsKey("staging-all-changed") && critical.containsKey("production-all-changed")) {
            System.out.printf(Locale.ROOT, "deploy-benchmark real-gcp staging_min=%.1f production_min=%.1f%n",
                    critical.get("staging-all-changed").toNanos() / 1e6 / MS_PER_MINUTE,
                    critical.get("production-all-changed").toNanos() / 1e6 / MS_PER_MINUTE);
        }
    }

    private void warmUp() throws Exception {
        Path dir = Files.createTempDirectory("mm-deploy-bench-warmup");
        try (DeployWorld world = DeployWorld.start(dir, "staging")) {
            long started = System.nanoTime();
            world.checkout("cli:bench@warmup").deploy("staging");
            if (explain) {
                System.out.printf(Locale.ROOT, "  warm-up deploy without latencies: %d ms%n", (System.nanoTime() - started) / 1_000_000);
            }
        }
    }

    /** Runs one scenario once: its line (after its steps' times, with {@code --explain}). */
    private Measured run(Scenario scenario) throws Exception {
        Path dir = Files.createTempDirectory("mm-deploy-bench");
        try (DeployWorld world = DeployWorld.start(dir, scenario.branch(), origin -> moreServices(origin, scenario.extraServices()))) {
            String env = scenario.branch().equals("main") ? "production" : "staging";
            DeployRun.Gatekeeper atOnce = (e, gate, plan) -> Optional.of("bench");
            if (scenario.primeFirst()) {
                world.checkout("cli:bench@" + scenario.name()).deploy(env, atOnce, DeployRun.Progress.NONE);
                if (scenario.changeService() != null) {
                    world.commit("services/" + scenario.changeService() + "/app/bench.py", "print('changed')\n", "change one service");
                }
            }
            DeployConfig config = world.config();
            Map<String, Duration> builds = buildTimes(config, scenario.changeService());
            profile(world, builds);
            long buildsBefore = servicesBuilt(world);
            long gatewayBefore = gatewayBuilt(world);
            resetPeaks();
            Checkout checkout = world.checkout("cli:bench@" + scenario.name()).waitsAt(MS_PER_MINUTE);
            FlowGraph graph = FlowGraph.of(checkout.steps().flow(env));

            long started = System.nanoTime();
            Map<String, long[]> spans = new java.util.concurrent.ConcurrentHashMap<>();
            DeployRun.Progress timing = new DeployRun.Progress() {
                @Override
                public void starting(io.mmdeploy.engine.flow.FlowStep step) {
                    spans.put(step.id(), new long[] {System.nanoTime() - started, -1});
                }

                @Override
                public void finished(io.mmdeploy.engine.flow.FlowStep step) {
                    spans.get(step.id())[1] = System.nanoTime() - started;
                }
            };
            DeployRun.Result result = checkout.deploy(env, atOnce, timing);
            Duration wall = Duration.ofNanos(System.nanoTime() - started);
            StringBuilder report = new StringBuilder();
            if (explain) {
                spans.entrySet().stream().sorted(Comparator.comparingLong(e -> e.getValue()[0])).forEach(e -> report.append(String.format(Locale.ROOT,
                        "  %-20s %6d ms → %6d ms%n", e.getKey(), e.getValue()[0] / 1_000_000, e.getValue()[1] / 1_000_000)));
            }

            long built = servicesBuilt(world) - buildsBefore;
            long gatewayBuilt = gatewayBuilt(world) - gatewayBefore;
            Set<String> rebuilt = scenario.primeFirst()
                    ? (scenario.changeService() == null ? Set.of() : Set.of(scenario.changeService()))
                    : Set.copyOf(config.services().stream().map(ServiceSpec::name).toList());
            RunJournal.PhaseRecord gatewayApply = checkout.journal(env).phase(Phase.GATEWAY_APPLY);
            boolean withServices = gatewayApply != null && gatewayApply.detail().startsWith("applied with the services' plan");
            RolloutPolicy rollout = world.env(env).rollout();
            // Migrations that start with the builds wait there for their own images: their cost counts that wait.
            boolean migrationsAwaitImages = !graph.node("migrations").needs().contains("build-images");
            Duration critical = graph.criticalPath(costs(config, builds, rebuilt, gatewayBuilt > 0, withServices, migrationsAwaitImages, 8, rollout));
            // Today's design: the same phases one after another, the gateway in a plan and an apply of its own.
            Duration chain = graph.chain(costs(config, builds, rebuilt, gatewayBuilt > 0, false, false, 8, rollout));
            report.append(String.format(Locale.ROOT, "deploy-benchmark %s wall_ms=%d critical_ms=%d ratio=%.2f chain_ms=%d builds=%d gateway_builds=%d heap_mb=%d%n",
                    scenario.name(), wall.toMillis(), critical.toMillis(), (double) wall.toNanos() / critical.toNanos(), chain.toMillis(),
                    built, gatewayBuilt, peakHeapMb()));
            if (!"SUCCEEDED".equals(result.status())) {
                report.append("deploy-benchmark ").append(scenario.name()).append(" ended ").append(result.status()).append('\n');
            }
            return new Measured(wall, critical, report.toString());
        }
    }

    /** Each service's build time: the seeded 2–4 min, or 1 min for a source-only change (the layer cache holds). */
    private Map<String, Duration> buildTimes(DeployConfig config, String sourceOnly) {
        Random random = new Random(seed);
        Map<String, Duration> out = new LinkedHashMap<>();
        for (ServiceSpec s : config.services()) {
            double full = 2 + 2 * random.nextDouble();
            out.put(s.name(), minutes(s.name().equals(sourceOnly) ? 1 : full));
        }
        return out;
    }

    private static void profile(DeployWorld world, Map<String, Duration> builds) {
        DeployConfig config = world.config();
        builds.forEach((service, d) -> world.cloud.cloudBuild.latency(
                world.env("staging").registry().image(config.service(service).orElseThrow().image()), d));
        builds.forEach((service, d) -> world.cloud.cloudBuild.latency(
                world.env("production").registry().image(config.service(service).orElseThrow().image()), d));
        for (String env : List.of("staging", "production")) {
            world.cloud.cloudBuild.latency(world.env(env).registry().image(config.gatewaySpec().orElseThrow().image()), minutes(2.5));
        }
        world.cloud.cloudRun.executionLatency(minutes(1));
        world.tofu.latency.put("init", minutes(20 / 60.0));
        world.tofu.latency.put("plan", minutes(0.5));
        world.tofu.latency.put("apply", minutes(1));
        world.tofu.applyPerChange = minutes(5 / 60.0);
        world.healthLatency = minutes(5 / 60.0);
    }

    /**
     * Each node's cost under the profile, for what this scenario builds.
     *
     * @param withServices the gateway went in the services' plan and apply (one more change there; its own plan and apply
     *     cost nothing)
     * @param migrationsAwaitImages the migrations start with the builds, each once its own service's image is ready
     */
    private static Function<FlowGraph.Node, Duration> costs(DeployConfig config, Map<String, Duration> builds, Set<String> rebuilt,
            boolean gatewayBuilt, boolean withServices, boolean migrationsAwaitImages, int buildCap, RolloutPolicy rollout) {
        Map<String, Duration> serviceBuilds = new LinkedHashMap<>();
        config.services().stream().filter(s -> rebuilt.contains(s.name())).forEach(s -> serviceBuilds.put(s.name(), builds.get(s.name())));
        Map<String, Duration> ready = finishes(serviceBuilds, buildCap);
        // One database's migrations one after another, each no sooner than its image; different databases at once.
        Map<String, Duration> lanes = new LinkedHashMap<>();
        for (MigrationSpec m : config.migrations()) {
            Duration image = migrationsAwaitImages ? ready.getOrDefault(m.service(), Duration.ZERO) : Duration.ZERO;
            lanes.merge(m.database() == null ? m.job() : m.database(), image.plus(minutes(1)),
                    (before, mine) -> (before.compareTo(image) > 0 ? before : image).plus(minutes(1)));
        }
        Duration migrations = lanes.values().stream().max(Comparator.naturalOrder()).orElse(Duration.ZERO);
        long changedJobs = config.migrations().stream().filter(m -> rebuilt.contains(m.service())).count();
        // With a rollout, every step but the last holds (a fixed wait no schedule shortens), when a service changed.
        Duration holds = rollout == null || rebuilt.isEmpty() ? Duration.ZERO
                : minutes(rollout.hold().toSeconds() / 60.0).multipliedBy(rollout.steps().size() - 1);
        Duration gatewayChange = gatewayBuilt ? minutes(5 / 60.0) : Duration.ZERO;
        Duration servicesApply = minutes(1).plus(minutes(5 / 60.0).multipliedBy(rebuilt.size() + changedJobs)).plus(holds)
                .plus(withServices ? gatewayChange : Duration.ZERO);
        // Every HTTP service and the gateway answer in 5 s; the check asks at most HealthCheck.PARALLEL of them at once.
        int checked = config.httpServices().size() + (config.gatewaySpec().isPresent() ? 1 : 0);
        Duration health = minutes(5 / 60.0).multipliedBy((checked + HealthCheck.PARALLEL - 1) / HealthCheck.PARALLEL);
        // Its own apply, then its own health check.
        Duration gatewayApply = withServices ? Duration.ZERO : minutes(1).plus(gatewayChange).plus(minutes(5 / 60.0));
        return node -> switch (node.id()) {
            case FlowGraph.TOFU_INIT -> minutes(20 / 60.0);
            case "build-images" -> ready.values().stream().max(Comparator.naturalOrder()).orElse(Duration.ZERO);
            case "gateway-build" -> gatewayBuilt ? minutes(2.5) : Duration.ZERO;
            case "services-plan" -> minutes(0.5);
            case "gateway-plan" -> withServices ? Duration.ZERO : minutes(0.5);
            case "migrations" -> migrations;
            case "services-apply" -> servicesApply;
            case "gateway-apply" -> gatewayApply;
            case "health" -> health;
            default -> Duration.ZERO;
        };
    }

    /** Builds started in order, at most {@code cap} at once: when each one ends. */
    static Map<String, Duration> finishes(Map<String, Duration> builds, int cap) {
        PriorityQueue<Duration> running = new PriorityQueue<>();
        Map<String, Duration> out = new LinkedHashMap<>();
        builds.forEach((service, d) -> {
            Duration start = running.size() < cap ? Duration.ZERO : running.poll();
            Duration done = start.plus(d);
            running.add(done);
            out.put(service, done);
        });
        return out;
    }

    private static long servicesBuilt(DeployWorld world) {
        return world.cloud.cloudBuild.submitted().stream().filter(b -> !b.getImages(0).contains("/" + GATEWAY_REPO + ":")).count();
    }

    private static long gatewayBuilt(DeployWorld world) {
        return world.cloud.cloudBuild.submitted().stream().filter(b -> b.getImages(0).contains("/" + GATEWAY_REPO + ":")).count();
    }

    private static void resetPeaks() {
        System.gc();
        ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
    }

    private static long peakHeapMb() {
        long bytes = ManagementFactory.getMemoryPoolMXBeans().stream().filter(p -> p.getType() == MemoryType.HEAP)
                .mapToLong(p -> p.getPeakUsage().getUsed()).sum();
        return bytes / (1024 * 1024);
    }

    /** {@code count} more services like the example's (each its own sources, the agent's Dockerfile), in config and var files. */
    static void moreServices(Path origin, int count) throws IOException {
        if (count == 0) {
            return;
        }
        StringBuilder services = new StringBuilder("services:\n");
        StringBuilder stagingVars = new StringBuilder();
        StringBuilder productionVars = new StringBuilder();
        for (int i = 1; i <= count; i++) {
            String name = "extra" + i;
            Files.createDirectories(origin.resolve("services/" + name));
            Files.writeString(origin.resolve("services/" + name + "/main.py"), "print('" + name + "')\n");
            services.append("  - name: ").append(name).append("\n    build:\n      context: .\n      dockerfile: services/agent/Dockerfile\n")
                    .append("      watch: [services/").append(name).append("]\n    image: ").append(name).append("-service\n")
                    .append("    tfvarsVariable: ").append(name).append("_service_container_image\n    cloudRunName: ").append(name)
                    .append("-service\n");
            stagingVars.append(name).append("_service_container_image = \"us-east4-docker.pkg.dev/mindmirror-staging/mindmirror/")
                    .append(name).append("-service:initial\"\n");
            productionVars.append(name).append("_service_container_image = \"us-east4-docker.pkg.dev/mindmirror-69/mindmirror/")
                    .append(name).append("-service:initial\"\n");
        }
        Path config = origin.resolve("mm-deploy.yaml");
        Files.writeString(config, Files.readString(config).replaceFirst("(?m)^services:\n", services.toString()));
        Files.writeString(origin.resolve("infra/environments/staging.auto.tfvars"),
                Files.readString(origin.resolve("infra/environments/staging.auto.tfvars")) + stagingVars);
        Files.writeString(origin.resolve("infra/environments/production.auto.tfvars"),
                Files.readString(origin.resolve("infra/environments/production.auto.tfvars")) + productionVars);
    }
}
