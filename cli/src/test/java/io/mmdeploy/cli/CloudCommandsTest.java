package io.mmdeploy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.mmdeploy.engine.gcp.fake.FakeCloudRun;
import io.mmdeploy.engine.gcp.fake.FakeGoogleCloud;
import io.mmdeploy.engine.testing.ExampleRepo;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The Google-facing subcommands end to end: example repo, real clients, in-process fakes. */
class CloudCommandsTest {
    static final String PROJECT = "mindmirror-staging";
    static final String REGION = "us-east4";
    static final List<String> SERVICES = List.of("agent", "journal", "habits", "meals", "movements", "practices", "users");

    @TempDir
    Path dir;

    ExampleRepo repo;
    FakeGoogleCloud cloud;
    HttpServer health;
    final List<Duration> slept = new ArrayList<>();

    record Run(int exit, String out, String err) {}

    @BeforeEach
    void start() throws Exception {
        repo = ExampleRepo.gitRepoInto(dir, "staging");
        cloud = FakeGoogleCloud.start();
        // Every command that changes the environment holds its lease in the state bucket.
        cloud.storage.addBucket("mindmirror-staging-tfstate", "1234567890");
        health = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        health.createContext("/", x -> {
            boolean sick = x.getRequestURI().getPath().startsWith("/meals");
            byte[] body = (sick ? "{\"status\":\"degraded\"}" : "{\"status\":\"healthy\"}").getBytes(StandardCharsets.UTF_8);
            x.sendResponseHeaders(200, body.length);
            try (OutputStream out = x.getResponseBody()) {
                out.write(body);
            }
        });
        health.start();
        String base = "http://127.0.0.1:" + health.getAddress().getPort();
        for (String s : SERVICES) {
            cloud.cloudRun.addService(PROJECT, REGION, s + "-service-staging", base + "/" + s);
        }
        cloud.cloudRun.addService(PROJECT, REGION, "mesh-gateway-staging", base + "/mesh");
    }

    @AfterEach
    void stop() {
        health.stop(0);
        cloud.close();
    }

    Run run(CloudCommand command, String... args) {
        command.connector = (env, wait) -> cloud.clients(env.projectId(), wait);
        if (command instanceof HealthCommand h) {
            h.sleeper = slept::add;
        }
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(command);
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        MmDeploy.reporting(cli);
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--env", "staging", "--config", repo.config().toString()));
        return new Run(cli.execute(all.toArray(String[]::new)), out.toString(), err.toString());
    }

    @Test
    void buildImagesBuildsAllSevenThenReusesThem() throws Exception {
        Run first = run(new BuildImagesCommand(), "-o", "json");
        assertThat(first.exit()).as(first.err()).isZero();
        JsonNode images = new ObjectMapper().readTree(first.out());
        assertThat(images).hasSize(8);
        assertThat(images.get(0).path("service").asText()).isEqualTo("agent");
        assertThat(images.get(0).path("built").asBoolean()).isTrue();
        assertThat(images.get(0).path("tags").get(0).asText()).startsWith("staging-");
        assertThat(cloud.cloudBuild.submitted()).hasSize(8);

        Run second = run(new BuildImagesCommand());
        assertThat(second.exit()).as(second.err()).isZero();
        assertThat(second.out().lines().filter(l -> l.contains(" reused "))).hasSize(8);
        assertThat(cloud.cloudBuild.submitted()).hasSize(8);
        assertThat(second.err()).contains("[build-images] Images ready: 0 built, 8 reused");
    }

    @Test
    void serviceUrlsThenBuildGatewayThenHealth() throws Exception {
        Run urls = run(new ServiceUrlsCommand());
        assertThat(urls.exit()).as(urls.err()).isZero();
        assertThat(urls.out()).contains("secret projects/mindmirror-staging/secrets/service-urls-staging/versions/1");
        Run read = run(new ServiceUrlsCommand(), "--read", "-o", "json");
        assertThat(new ObjectMapper().readTree(read.out()).path("urls")).hasSize(7);
        String payload = cloud.secretManager.payloads(PROJECT, "service-urls-staging").get(0);
        assertThat(urls.err() + read.err()).doesNotContain(payload);

        Run gateway = run(new BuildGatewayCommand());
        assertThat(gateway.exit()).as(gateway.err()).isZero();
        assertThat(gateway.out()).startsWith("mesh").contains("built").contains("mesh-gateway@sha256:");
        assertThat(cloud.cloudBuild.submitted().get(0).getSteps(0).getArgsList())
                .anyMatch(a -> a.startsWith("AGENT_SERVICE_URL=http://127.0.0.1:"));

        Run healthy = run(new HealthCommand(), "--services", "agent,mesh");
        assertThat(healthy.exit()).as(healthy.err()).isZero();
        assertThat(healthy.out()).contains("agent").contains("mesh").contains("healthy");

        Run sick = run(new HealthCommand());
        assertThat(sick.exit()).isEqualTo(MmDeploy.FAILED);
        assertThat(sick.out()).containsPattern("meals\\s+UNHEALTHY");
        assertThat(sick.err()).contains("Error: meals is not healthy");
        assertThat(slept).isNotEmpty();
    }

    @Test
    void runMigrationsRunsEachJobWithTheGivenDigest() {
        String digest = "sha256:" + "d".repeat(64);
        String users = "us-east4-docker.pkg.dev/mindmirror-staging/mindmirror/users-service@" + digest;
        String habits = "us-east4-docker.pkg.dev/mindmirror-staging/mindmirror/habits-service@" + digest;
        cloud.cloudRun.addJob(PROJECT, REGION, "migrate-main-staging", "old", 0);
        cloud.cloudRun.addJob(PROJECT, REGION, "migrate-habits-staging", "old", 0);

        Run r = run(new RunMigrationsCommand(), "--image", "users=" + users, "--image", "habits=" + habits);

        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("migrate-main-staging", "migrate-habits-staging", "SUCCEEDED");
        assertThat(cloud.cloudRun.job(FakeCloudRun.jobName(PROJECT, REGION, "migrate-main-staging"))
                .getTemplate().getTemplate().getContainers(0).getImage()).isEqualTo(users);
        // It held the environment's lease while it ran, and gave it back.
        assertThat(r.err()).contains("Lease of staging taken", "Lease of staging released");
        assertThat(cloud.storage.objects()).isEmpty();

        Run tagOnly = run(new RunMigrationsCommand(), "--image", "users=repo:staging-1");
        assertThat(tagOnly.exit()).isEqualTo(MmDeploy.FAILED);
        assertThat(tagOnly.err()).contains("--image users is not a digest reference");
    }

    @Test
    void aKeyOfAnotherEnvironmentsProjectIsRefusedBeforeAnyCall() throws Exception {
        Path key = dir.resolve("prod-key.json");
        java.nio.file.Files.writeString(key, "{\"type\": \"service_account\", \"project_id\": \"mindmirror-69\","
                + " \"client_email\": \"deployer@mindmirror-69.iam.gserviceaccount.com\", \"private_key\": \"-----BEGIN PRIVATE KEY-----\\nAAAA\\n\"}");
        ServiceUrlsCommand command = new ServiceUrlsCommand();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(command);
        cli.setErr(new PrintWriter(err, true));
        MmDeploy.reporting(cli);

        int exit = cli.execute("--env", "staging", "--config", repo.config().toString(), "--credentials", key.toString());

        assertThat(exit).isEqualTo(MmDeploy.FAILED);
        assertThat(err.toString()).contains("does not belong to environment staging").doesNotContain("AAAA");
        assertThat(cloud.faults.calls(com.google.cloud.run.v2.ServicesGrpc.getGetServiceMethod())).isZero();
    }

    @Test
    void trafficListsAndRollsBackToThePreviousGoodRevision() {
        String svc = FakeCloudRun.serviceName(PROJECT, REGION, "agent-service-staging");
        Instant t0 = Instant.parse("2026-11-01T10:00:00Z");
        cloud.cloudRun.addRevision(svc, "agent-service-staging-00001-aaa", "img@sha256:1", true, t0);
        cloud.cloudRun.addRevision(svc, "agent-service-staging-00002-bbb", "img@sha256:2", false, t0.plusSeconds(60));
        cloud.cloudRun.addRevision(svc, "agent-service-staging-00003-ccc", "img@sha256:3", true, t0.plusSeconds(120));

        Run list = run(new TrafficCommand(), "--service", "agent", "--list");
        assertThat(list.exit()).as(list.err()).isZero();
        assertThat(list.out().lines().toList()).hasSize(3).first().asString().startsWith("agent-service-staging-00003-ccc");

        Run back = run(new TrafficCommand(), "--service", "agent", "--previous");
        assertThat(back.exit()).as(back.err()).isZero();
        assertThat(back.out()).isEqualTo("agent-service-staging: LATEST=100 -> agent-service-staging-00001-aaa=100\n");

        Run unknown = run(new TrafficCommand(), "--service", "agnet", "--latest");
        assertThat(unknown.exit()).isEqualTo(MmDeploy.FAILED);
        assertThat(unknown.err()).contains("Unknown service \"agnet\"");
    }
}
