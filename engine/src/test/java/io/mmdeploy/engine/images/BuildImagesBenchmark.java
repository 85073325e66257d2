package io.mmdeploy.engine.images;

import io.mmdeploy.engine.gcp.GoogleClients;
import io.mmdeploy.engine.gcp.fake.CapturedLog;
import io.mmdeploy.engine.gcp.fake.FakeContextUploader;
import io.mmdeploy.engine.gcp.fake.FakeGoogleCloud;
import io.mmdeploy.engine.gcp.fake.Fixtures;
import io.mmdeploy.engine.port.StageLog;
import io.mmdeploy.engine.port.local.LocalWorkspace;
import io.mmdeploy.engine.run.ParallelRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Prints how well build-images runs builds in parallel, and how many builds an unchanged service costs, against
 * the in-process fakes with a simulated Cloud Build latency. Not a test: it reports figures.
 *
 * <p>Run: {@code ./mvnw -B -o -q -pl engine test-compile exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=io.mmdeploy.engine.images.BuildImagesBenchmark} (args: latencyMillis cap).
 */
public final class BuildImagesBenchmark {

    /** Times each build the stage asks for. */
    private static final class TimedBuilder implements ImageBuilder {
        private final ImageBuilder inner;
        private final AtomicLong slowestNanos = new AtomicLong();

        TimedBuilder(ImageBuilder inner) {
            this.inner = inner;
        }

        @Override
        public String build(ImageBuildRequest request, List<String> tags, StageLog log) throws InterruptedException {
            long start = System.nanoTime();
            try {
                return inner.build(request, tags, log);
            } finally {
                slowestNanos.accumulateAndGet(System.nanoTime() - start, Math::max);
            }
        }

        @Override
        public String describe() {
            return inner.describe();
        }
    }

    private BuildImagesBenchmark() {}

    public static void main(String[] args) throws Exception {
        Duration latency = Duration.ofMillis(args.length > 0 ? Long.parseLong(args[0]) : 1000);
        int cap = args.length > 1 ? Integer.parseInt(args[1]) : 8;
        Path repo = Files.createTempDirectory("mm-deploy-bench-");
        System.out.printf("build-images benchmark: simulated build latency %d ms, concurrency cap %d%n", latency.toMillis(), cap);
        try (FakeGoogleCloud cloud = FakeGoogleCloud.start();
                GoogleClients clients = cloud.clients(Fixtures.PROJECT, Duration.ofMinutes(5))) {
            cloud.cloudBuild.latency(latency);
            // Warm-up (class loading, client channels, JIT), not measured.
            stage(clients, builder(clients, repo), cap).run(requests(repo, 7, "warm-", "warm", -1));
            for (int n : new int[] {7, 50}) {
                List<ImageBuildRequest> requests = requests(repo, n, "run1-", "staging-1", -1);
                TimedBuilder builder = builder(clients, repo);
                long start = System.nanoTime();
                stage(clients, builder, cap).run(requests);
                double wall = (System.nanoTime() - start) / 1e6;
                double slowest = builder.slowestNanos.get() / 1e6;
                int waves = (n + cap - 1) / cap;
                System.out.printf("%2d services: wall %.0f ms, slowest single build %.0f ms, wall/slowest %.2f"
                                + " (%d wave(s) of at most %d; per wave %.2f, goal <= 1.10)%n",
                        n, wall, slowest, wall / slowest, waves, cap, wall / slowest / waves);
            }
            int before = cloud.cloudBuild.submitted().size();
            stage(clients, builder(clients, repo), cap).run(requests(repo, 7, "run1-", "staging-2", 3));
            System.out.printf("builds when 1 of 7 services changed: %d (goal: 1)%n", cloud.cloudBuild.submitted().size() - before);
        }
    }

    private static TimedBuilder builder(GoogleClients clients, Path repo) {
        return new TimedBuilder(new CloudBuildImageBuilder(clients.cloudBuild(), new FakeContextUploader(), new LocalWorkspace(repo),
                Fixtures.PROJECT, Fixtures.REGION, "bench_cloudbuild", Duration.ofMinutes(5)));
    }

    private static BuildImages stage(GoogleClients clients, ImageBuilder builder, int cap) {
        return new BuildImages(builder, new ImageCatalog(clients.artifactRegistry()), new ParallelRunner(cap),
                new CapturedLog().stage(BuildImages.STAGE));
    }

    /** {@code n} services; the one at {@code changed} (or none, for -1) gets a new fingerprint. */
    private static List<ImageBuildRequest> requests(Path repo, int n, String fingerprintPrefix, String tag, int changed)
            throws Exception {
        List<ImageBuildRequest> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String name = "svc" + i + "-n" + n;
            Path dir = repo.resolve("services/" + name);
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("Dockerfile"), "FROM python:3.12-slim\n");
            String fingerprint = (i == changed ? "changed-" : fingerprintPrefix) + name;
            out.add(new ImageBuildRequest(name, Fixtures.staging().registry(), name, ".", "services/" + name + "/Dockerfile",
                    Map.of(), fingerprint, List.of(tag)));
        }
        return out;
    }
}
