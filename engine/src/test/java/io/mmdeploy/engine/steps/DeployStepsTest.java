package io.mmdeploy.engine.steps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.cloud.run.v2.ServiceName;
import com.sun.net.httpserver.HttpServer;
import io.mmdeploy.engine.approval.ApprovalLedger;
import io.mmdeploy.engine.approval.RecordedApproval;
import io.mmdeploy.engine.config.ApprovalPolicy.Gate;
import io.mmdeploy.engine.config.ConfigLoader;
import io.mmdeploy.engine.config.EnvironmentSpec;
import io.mmdeploy.engine.diagnostics.DeployException;
import io.mmdeploy.engine.flow.Phase;
import io.mmdeploy.engine.gcp.GoogleClients;
import io.mmdeploy.engine.gcp.fake.CapturedLog;
import io.mmdeploy.engine.gcp.fake.FakeCloudRun;
import io.mmdeploy.engine.gcp.fake.FakeGoogleCloud;
import io.mmdeploy.engine.health.HealthReport;
import io.mmdeploy.engine.health.HealthResult;
import io.mmdeploy.engine.images.ImageRef;
import io.mmdeploy.engine.port.Command;
import io.mmdeploy.engine.port.local.LocalCommandRunner;
import io.mmdeploy.engine.port.local.LocalWorkspace;
import io.mmdeploy.engine.release.ReleaseJson;
import io.mmdeploy.engine.release.ReleaseRecord;
import io.mmdeploy.engine.testing.ExampleRepo;
import io.mmdeploy.engine.testing.FakeTofu;
import io.mmdeploy.engine.testing.LoopbackHttp;
import io.mmdeploy.engine.tofu.TofuSettings;
import io.mmdeploy.engine.traffic.CloudRunTraffic;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each step of docs/STEPS.md through DeploySteps, in the one deploy flow: the example app, the Google fakes (the state
 * buckets the lease lives in included), the fake tofu, loopback HTTP. Every test starts a run first, as every host does.
 */
class DeployStepsTest {
    static final String PROJECT = "mindmirror-staging";
    static final String PRODUCTION = "mindmirror-69";
    static final String REGION = "us-east4";
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-22T05:00:00Z"), ZoneOffset.UTC);
    /** The example's services that answer HTTP; its celery worker (health kind: ready) has no URL. */
    static final List<String> SERVICES = List.of("agent", "journal", "habits", "meals", "movements", "practices", "users");
    static final String WORKER = "celery-worker";
    /** What a deploy builds: every service, the worker included. */
    static final List<String> IMAGES = List.of("agent", "journal", "habits", "meals", "movements", "practices", "users", WORKER);
    static final String HOLDER = "jenkins:mindmirror/deploy#42";
    static final String STAGING_BUCKET = "mindmirror-staging-tfstate";
    static final String STAGING_LEASE = "mindmirror/staging/mm-deploy.lease";
    static final String VAR_FILE = "infra/environments/staging.auto.tfvars";

    @TempDir
    Path dir;
    @TempDir
    Path bin;

    ExampleRepo repo;
    FakeGoogleCloud cloud;
    FakeTofu tofu;
    HttpServer http;
    final Set<String> unhealthy = ConcurrentHashMap.newKeySet();
    final CapturedLog log = new CapturedLog();
    final DeployRun.Approvals approvals = new DeployRun.Approvals();
    /** Every GoogleClients the steps opened: a step refused "before any cloud call" opens none. */
    final AtomicInteger opened = new AtomicInteger();
    DeploySteps steps;

    @BeforeEach
    void start() throws Exception {
        repo = ExampleRepo.gitRepoInto(dir, "staging");
        cloud = FakeGoogleCloud.start();
        tofu = new FakeTofu(bin);
        http = LoopbackHttp.server();
        http.createContext("/", exchange -> {
            String service = exchange.getRequestURI().getPath().split("/")[1];
            int status = unhealthy.contains(service) ? 503 : 200;
            if (exchange.getRequestURI().getPath().endsWith("/graphql")) {
                // The example gateway's smoke test.
                byte[] body = "{\"data\":{\"__typename\":\"Query\"}}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(status, body.length);
                exchange.getResponseBody().write(body);
            } else {
                exchange.sendResponseHeaders(status, -1);
            }
            exchange.close();
        });
        http.start();
        for (String s : SERVICES) {
            cloud.cloudRun.addService(PROJECT, REGION, s + "-service-staging", url(s));
            cloud.cloudRun.addService(PRODUCTION, REGION, s + "-service", url(s));
        }
        cloud.cloudRun.addService(PROJECT, REGION, "mesh-gateway-staging", url("mesh"));
        // The worker is asked of Cloud Run, not over HTTP: it needs a ready revision.
        cloud.cloudRun.addService(PROJECT, REGION, WORKER + "-staging", url(WORKER));
        cloud.cloudRun.deployImage(FakeCloudRun.serviceName(PROJECT, REGION, WORKER + "-staging"), "old", CLOCK.instant());
        cloud.cloudRun.addService(PRODUCTION, REGION, WORKER, url(WORKER));
        cloud.cloudRun.deployImage(FakeCloudRun.serviceName(PRODUCTION, REGION, WORKER), "old", CLOCK.instant());
        cloud.cloudRun.addService(PRODUCTION, REGION, "mesh-gateway", url("mesh"));
        for (String job : List.of("migrate-main", "migrate-habits")) {
            cloud.cloudRun.addJob(PROJECT, REGION, job + "-staging", "old", 0);
            cloud.cloudRun.addJob(PRODUCTION, REGION, job, "old", 0);
        }
        // The lease lives in each environment's state bucket (infra/environments/*.backend.hcl).
        cloud.storage.addBucket(STAGING_BUCKET, "1234567890");
        cloud.storage.addBucket("mindmirror-69-tfstate", "3858903851");
        cloud.secretManager.put(PROJECT, "mesh-smoke-token", "smoke-token-of-the-steps-test");
        cloud.secretManager.put(PRODUCTION, "mesh-smoke-token", "smoke-token-of-the-steps-test");
        steps = steps(host(new LocalWorkspace(repo.root()), repo.root(), new LocalCommandRunner(repo.root())));
    }

    /** Each service answers on its own path prefix of the one loopback server. */
    String url(String service) {
        return "http://127.0.0.1:" + http.getAddress().getPort() + "/" + service;
    }

    @AfterEach
    void stop() {
        http.stop(0);
        cloud.close();
    }

    StepHost host(LocalWorkspace workspace, Path localRoot, io.mmdeploy.engine.port.CommandRunner commands) {
        return new StepHost(workspace, localRoot, commands, log, log.mask, (env, wait) -> {
            opened.incrementAndGet();
            return cloud.clients(env.projectId(), wait);
        }, CLOCK, d -> {}, approvals, HOLDER, null);
    }

    /** No lease wait: the clock is fixed, and a lease held by another run must fail at once, not poll forever. */
    DeploySteps steps(StepHost host) {
        LocalWorkspace workspace = (LocalWorkspace) host.workspace();
        return new DeploySteps(host, new ConfigLoader(workspace).load(ExampleRepo.CONFIG),
                new TofuSettings(tofu.binary().toString(), Duration.ofSeconds(30), Duration.ofMinutes(1)),
                DeploySettings.defaults().withLeaseWait(Duration.ZERO));
    }

    /** mmPreflight then mmRelease(phase: 'start'): how every run begins. Returns the release id. */
    static String startRun(DeploySteps s, String env) throws InterruptedException {
        String release = s.preflight(env).release();
        s.release(env, "start", null, null, "deploy");
        return release;
    }

    String startRun(String env) throws InterruptedException {
        return startRun(steps, env);
    }

    /** Build, services plan, migrations, services apply in an ungated environment (one call plans and applies). */
    static void throughServicesApply(DeploySteps s, String env) throws InterruptedException {
        s.buildImages(env, null, null);
        s.applyTofu(env, null, true, null);
        s.runMigrations(env);
        s.applyTofu(env, null, false, null);
    }

    long tofuCalls(String command) throws IOException {
        return tofu.calls().stream().filter(c -> c.contains("| " + command + " ")).count();
    }

    long applied() throws IOException {
        return tofu.calls().stream().filter(c -> c.contains("| applied: ")).count();
    }

    Set<String> phasesRecorded(String env) {
        return steps.run(env).phases().keySet();
    }

    @Test
    void aRunStartsWithPreflightAndReleaseStartWhichTakesTheEnvironmentsLease() throws Exception {
        assertThatThrownBy(() -> steps.buildImages("staging", null, null)).isInstanceOf(DeployException.class)
                .hasMessageContaining("Refusing Build images in staging: no run was started").hasMessageContaining("mmPreflight");
        assertThatThrownBy(() -> steps.release("staging", "start", null, null, "deploy")).isInstanceOf(DeployException.class)
                .hasMessageContaining("no run was started").hasMessageContaining("mmPreflight");
        assertThat(cloud.cloudBuild.submitted()).isEmpty();
        assertThat(cloud.storage.objects()).isEmpty();

        String release = steps.preflight("staging").release();
        assertThat(steps.run("staging").release()).isEqualTo(release);
        // mmPreflight changes nothing in the cloud: the lease is taken by release start.
        assertThat(cloud.storage.objects()).isEmpty();

        ReleaseResult start = steps.release("staging", "start", null, null, "deploy");

        assertThat(start.release()).isEqualTo(release);
        assertThat(start.record().id()).isEqualTo(release);
        assertThat(ReleaseJson.read(repo.read("mm-release.json"), "mm-release.json").inProgress()).isTrue();
        assertThat(steps.run("staging").succeeded(Phase.PREFLIGHT)).isTrue();
        assertThat(cloud.storage.objectMetadata(STAGING_BUCKET, STAGING_LEASE))
                .containsEntry("mm-holder", HOLDER).containsEntry("mm-release", release);
    }

    @Test
    void aBuildOfAnotherBranchNeitherStartsNorContinuesARunOfTheEnvironment() throws Exception {
        StepHost host = host(new LocalWorkspace(repo.root()), repo.root(), new LocalCommandRunner(repo.root()));
        DeploySteps replay = steps(host.withBuildBranch("feature/x"));

        assertThatThrownBy(() -> replay.preflight("staging")).isInstanceOf(DeployException.class)
                .hasMessageContaining("Refusing to change staging from branch feature/x")
                .hasMessageContaining("environments.staging.branch").hasMessageContaining("Nothing was changed");
        assertThat(steps.run("staging").release()).isNull();

        startRun("staging");
        assertThatThrownBy(() -> replay.buildImages("staging", null, null)).isInstanceOf(DeployException.class)
                .hasMessageContaining("from branch feature/x");
        assertThat(cloud.cloudBuild.submitted()).isEmpty();

        steps(host.withBuildBranch("staging")).buildImages("staging", null, null);
        assertThat(cloud.cloudBuild.submitted()).hasSize(IMAGES.size());
    }

    @Test
    void buildImagesBuildsEachServiceKeepsThemInTheRunAndReusesOnTheNextCall() throws Exception {
        startRun("staging");
        String varFile = repo.read(VAR_FILE);

        ImagesResult first = steps.buildImages("staging", null, null);

        assertThat(first.built()).isEqualTo(8L);
        assertThat(first.reused()).isZero();
        assertThat(first.images()).extracting(ImageRef::service).containsExactlyElementsOf(IMAGES);
        ImageRef agent = first.images().get(0);
        assertThat(agent.repository()).isEqualTo("us-east4-docker.pkg.dev/mindmirror-staging/mindmirror/agent-service");
        assertThat(agent.tag()).startsWith("staging-");
        assertThat(agent.ref()).isEqualTo(agent.repository() + "@" + agent.digest());
        assertThat(repo.read(".mm-deploy/staging.run.json")).contains(agent.digest());
        assertThat(steps.run("staging").succeeded(Phase.BUILD_IMAGES)).isTrue();
        // The build no longer writes the image variables: each plan does, from the run's images.
        assertThat(repo.read(VAR_FILE)).isEqualTo(varFile);

        ImagesResult again = steps.buildImages("staging", List.of("agent", "users"), null);
        assertThat(again.built()).isZero();
        assertThat(again.reused()).isEqualTo(2L);
        assertThat(again.images()).extracting(ImageRef::service).containsExactly("agent", "users");
        assertThat(cloud.cloudBuild.submitted()).hasSize(8);

        steps.applyTofu("staging", null, true, null);
        assertThat(repo.read(VAR_FILE)).contains("agent_service_container_image", agent.ref());
    }

    @Test
    void buildImagesRefusesAnUnknownServiceOrBuilderBeforeBuilding() throws Exception {
        startRun("staging");

        assertThatThrownBy(() -> steps.buildImages("staging", List.of("agent", "jurnal"), null))
                .isInstanceOf(DeployException.class).hasMessageContaining("Unknown service in services: jurnal");
        assertThatThrownBy(() -> steps.buildImages("staging", null, "kaniko"))
                .isInstanceOf(DeployException.class).hasMessageContaining("Unknown builder \"kaniko\"");

        assertThat(cloud.cloudBuild.submitted()).isEmpty();
        assertThat(steps.run("staging").succeeded(Phase.BUILD_IMAGES)).isFalse();
    }

    @Test
    void migrationsRefuseBeforeTheBuildAndInAGatedEnvironmentBeforeTheApprovedServicesPlan() throws Exception {
        String release = startRun("staging");

        assertThatThrownBy(() -> steps.runMigrations("staging")).isInstanceOf(DeployException.class)
                .hasMessageContaining("Refusing Migrations in staging: Build images has not run in this run (release " + release + ")")
                .hasMessageContaining("mmBuildImages provides it");
        assertThat(cloud.cloudRun.executions()).isEmpty();
        assertThat(cloud.cloudRun.jobImage(FakeCloudRun.jobName(PROJECT, REGION, "migrate-main-staging"))).isEqualTo("old");
        assertThat(phasesRecorded("staging")).doesNotContain(Phase.MIGRATIONS.id());

        startRun("production");
        steps.buildImages("production", null, null);
        assertThatThrownBy(() -> steps.runMigrations("production")).isInstanceOf(DeployException.class)
                .hasMessageContaining("Refusing Migrations in production: Services plan has not run")
                .hasMessageContaining("mmApplyTofu(planOnly: true) provides it");
        assertThat(cloud.cloudRun.executions()).isEmpty();

        // Ungated, the migrations go beside the services plan: the build is all they need.
        steps.buildImages("staging", null, null);
        steps.runMigrations("staging");
        assertThat(cloud.cloudRun.executions()).hasSize(2);
    }

    @Test
    void migrationsRunTheImagesOfTheBuildStepAfterTheServicesPlan() throws Exception {
        startRun("staging");
        Map<String, ImageRef> images = byService(steps.buildImages("staging", null, null));
        steps.applyTofu("staging", null, true, null);

        MigrationsResult result = steps.runMigrations("staging");

        assertThat(result.skipped()).isFalse();
        assertThat(result.executions()).extracting(ReleaseRecord.MigrationRun::job).containsExactly("migrate-main-staging", "migrate-habits-staging");
        assertThat(result.executions()).extracting(ReleaseRecord.MigrationRun::result).containsOnly("SUCCEEDED");
        assertThat(cloud.cloudRun.executions()).hasSize(2);
        assertThat(cloud.cloudRun.jobImage(FakeCloudRun.jobName(PROJECT, REGION, "migrate-habits-staging")))
                .isEqualTo(images.get("habits").ref());
        // Recorded as each ends; the two databases' migrations run at once.
        assertThat(steps.run("staging").migrations()).extracting(ReleaseRecord.MigrationRun::job)
                .containsExactlyInAnyOrder("migrate-main-staging", "migrate-habits-staging");

        // Same images, same run: not run again.
        assertThat(steps.runMigrations("staging").skipped()).isTrue();
        assertThat(cloud.cloudRun.executions()).hasSize(2);
    }

    @Test
    void theServicesApplyRefusesBeforeTheMigrationsAndAppliesNothing() throws Exception {
        startRun("staging");
        steps.buildImages("staging", null, null);
        String plan = steps.applyTofu("staging", null, true, null).planHash();
        long plans = tofuCalls("plan");

        assertThatThrownBy(() -> steps.applyTofu("staging", null, false, null)).isInstanceOf(DeployException.class)
                .hasMessageContaining("Refusing Services apply in staging: Migrations has not run")
                .hasMessageContaining("mmRunMigrations provides it");
        assertThatThrownBy(() -> steps.applyTofu("staging", null, false, plan)).isInstanceOf(DeployException.class)
                .hasMessageContaining("Refusing Services apply in staging: Migrations has not run");

        assertThat(applied()).isZero();
        // The saved plan still stands (it is neither planned again nor used up by the refused apply).
        assertThat(tofuCalls("plan")).isEqualTo(plans);
        assertThat(steps.run("staging").openPlan(Phase.SERVICES_PLAN).hash()).isEqualTo(plan);
        assertThat(phasesRecorded("staging")).doesNotContain(Phase.SERVICES_APPLY.id());

        steps.runMigrations("staging");
        TofuResult done = steps.applyTofu("staging", null, false, null);
        assertThat(done.applied()).isTrue();
        assertThat(done.planHash()).isEqualTo(plan);
        assertThat(applied()).isOne();
    }

    @Test
    void applyTofuPlansAndAppliesStagingButRefusesAnUngatedApplyOfProduction() throws Exception {
        assertThatThrownBy(() -> steps.applyTofu("production", null, false, null)).isInstanceOf(DeployException.class)
                .hasMessageContaining("planOnly").hasMessageContaining("approvedPlanHash");
        assertThat(tofu.calls()).isEmpty();
        startRun("staging");
        steps.buildImages("staging", null, null);
        steps.applyTofu("staging", null, true, null);
        steps.runMigrations("staging");

        TofuResult staging = steps.applyTofu("staging", null, false, null);

        assertThat(staging.applied()).isTrue();
        assertThat(staging.skipped()).isFalse();
        assertThat(tofu.calls()).anyMatch(c -> c.contains("| applied: plan-"));
        assertThat(steps.run("staging").succeeded(Phase.SERVICES_APPLY)).isTrue();
        assertThatThrownBy(() -> steps.applyTofu("staging", "google_storage_bucket.old", true, null)).isInstanceOf(DeployException.class)
                .hasMessageContaining("Unknown tofu target google_storage_bucket.old");
    }

    @Test
    void tofuRunsAsTheEnvironmentsDeployerWhenTheHostHasItsTokenAndTheTokenIsNeverLogged() throws Exception {
        String token = "ya29.TOKEN-OF-THE-STAGING-DEPLOYER";
        List<Command> commands = new CopyOnWriteArrayList<>();
        LocalCommandRunner local = new LocalCommandRunner(repo.root());
        LocalWorkspace workspace = new LocalWorkspace(repo.root());
        GoogleConnection google = new GoogleConnection() {
            @Override
            public GoogleClients open(EnvironmentSpec environment, Duration longestWait) {
                return cloud.clients(environment.projectId(), longestWait);
            }

            @Override
            public Optional<String> accessToken(EnvironmentSpec environment) {
                return Optional.of(token);
            }
        };
        StepHost host = new StepHost(workspace, repo.root(), (command, onLine) -> {
            commands.add(command);
            onLine.accept("tofu says " + command.env().get("GOOGLE_OAUTH_ACCESS_TOKEN"));
            return local.run(command, onLine);
        }, log, log.mask, google, CLOCK, d -> {}, approvals, HOLDER, null);
        DeploySteps withToken = steps(host);
        startRun(withToken, "staging");
        withToken.buildImages("staging", null, null);

        withToken.applyTofu("staging", null, true, null);

        assertThat(commands).isNotEmpty().allSatisfy(c -> {
            assertThat(c.env()).containsEntry("GOOGLE_OAUTH_ACCESS_TOKEN", token);
            assertThat(c.secrets()).contains(token);
        });
        assertThat(tofuCalls("plan")).isOne();
        assertThat(log.text()).contains("tofu says").doesNotContain(token);
    }

    @Test
    void theUrlsAndTheGatewayPlanRefuseUntilTheServicesAreApplied() throws Exception {
        startRun("staging");
        steps.buildImages("staging", null, null);
        steps.applyTofu("staging", null, true, null);
        steps.runMigrations("staging");

        assertThatThrownBy(() -> steps.serviceUrls("staging")).isInstanceOf(DeployException.class)
                .hasMessageContaining("Refusing Service URLs secret in staging: Services apply has not run")
                .hasMessageContaining("mmApplyTofu(approvedPlanHash: …) provides it");
        assertThat(cloud.secretManager.exists(PROJECT, "service-urls-staging")).isFalse();

        steps.applyTofu("staging", null, false, null);
        // The gateway's build needs no published URL (it is built with the expected ones), but its plan does.
        assertThatThrownBy(() -> steps.deployGateway("staging", false, true, null)).isInstanceOf(DeployException.class)
                .hasMessageContaining("Refusing Gateway plan in staging: Gateway build has not run")
                .hasMessageContaining("mmDeployGateway(buildOnly: true) provides it");
        assertThat(cloud.cloudBuild.submitted()).hasSize(8);

        steps.serviceUrls("staging");
        assertThatThrownBy(() -> steps.deployGateway("staging", true, true, null)).isInstanceOf(DeployException.class)
                .hasMessageContaining("buildOnly with planOnly");
        assertThat(tofu.calls()).noneMatch(c -> c.contains("-target="));
        assertThat(phasesRecorded("staging")).doesNotContain(Phase.GATEWAY_BUILD.id(), Phase.GATEWAY_PLAN.id());
    }

    @Test
    void serviceUrlsThenGatewayBuildThenGatewayApplyWithItsHealth() throws Exception {
        startRun("staging");
        throughServicesApply(steps, "staging");

        UrlsResult urls = steps.serviceUrls("staging");
        assertThat(urls.urls().keySet()).containsExactlyElementsOf(SERVICES);
        assertThat(urls.secretVersion()).contains("secrets/service-urls-staging/versions/");
        assertThat(cloud.secretManager.payloads(PROJECT, "service-urls-staging")).hasSize(1);

        GatewayResult built = steps.deployGateway("staging", true, false, null);
        assertThat(built.tofu()).isNull();
        assertThat(built.urlsUsed()).isEqualTo(7);
        ImageRef image = built.image();
        assertThat(image.built()).isTrue();
        // The gateway's variable is written by its own plan, not by its build (nor by the services' plan).
        assertThat(repo.read(VAR_FILE)).doesNotContain(image.ref());

        GatewayResult applied = steps.deployGateway("staging", false, false, null);
        assertThat(applied.tofu().applied()).isTrue();
        assertThat(applied.tofu().planHash()).isNotBlank();
        assertThat(applied.image().ref()).isEqualTo(image.ref());
        assertThat(repo.read(VAR_FILE)).contains("gateway_container_image", image.ref());
        assertThat(applied.health().healthy()).isTrue();
        assertThat(applied.health().results()).extracting(HealthResult::name).containsExactly("mesh");
        assertThat(tofu.calls()).anyMatch(c -> c.contains("| plan ") && c.contains("-target=google_cloud_run_v2_service.gateway"));
        assertThat(applied()).isEqualTo(2);
        assertThat(steps.run("staging").succeeded(Phase.GATEWAY_APPLY)).isTrue();
    }

    @Test
    void healthCheckReturnsEachResultByNameAndDoesNotThrowWhenOneIsUnhealthy() throws Exception {
        unhealthy.add("journal");

        HealthReport all = steps.healthCheck("staging", null);

        assertThat(all.healthy()).isFalse();
        Map<String, HealthResult> results = new java.util.LinkedHashMap<>();
        all.results().forEach(r -> results.put(r.name(), r));
        assertThat(results.keySet()).containsAll(SERVICES).contains("mesh");
        assertThat(results.get("journal").healthy()).isFalse();
        assertThat(results.get("journal").lastStatus()).isEqualTo(503);
        assertThat(results.get("agent").healthy()).isTrue();
        assertThat(results.get("agent").attempts()).isEqualTo(1);
        assertThat(steps.healthCheck("staging", List.of("agent", "mesh")).healthy()).isTrue();
        // Outside a deploy it records nothing; inside one, the full check is the Health phase.
        assertThat(phasesRecorded("staging")).isEmpty();
        startRun("staging");
        steps.healthCheck("staging", null);
        assertThat(steps.run("staging").phase(Phase.HEALTH).status()).isEqualTo(RunJournal.FAILED);
    }

    @Test
    void aWorkspaceOnAnotherMachineBuildsWithGitThroughTheLauncherAndContextsThroughTheWorkspace() throws Exception {
        LocalWorkspace workspace = new LocalWorkspace(repo.root());
        String head = repo.commit("the commit the agent checked out");
        // No local root, as on a Jenkins agent: git runs as a program through the launcher, contexts are read through the port.
        DeploySteps onAgent = steps(host(workspace, null, new LocalCommandRunner(repo.root())));
        DeploySteps unreachable = steps(host(workspace, null, null));

        assertThat(startRun(onAgent, "staging")).endsWith("-" + head.substring(0, 7));
        assertThatThrownBy(() -> unreachable.buildImages("staging", null, null)).isInstanceOf(DeployException.class)
                .hasMessageContaining("node");
        ImagesResult built = onAgent.buildImages("staging", null, null);
        assertThat(built.built()).isEqualTo(8L);
        assertThat(byService(built).get("agent").tag()).isEqualTo("staging-" + head.substring(0, 7));
        assertThatThrownBy(() -> unreachable.applyTofu("staging", null, true, null)).isInstanceOf(DeployException.class)
                .hasMessageContaining("node");
        assertThat(tofu.calls()).isEmpty();
        throughServicesApply(onAgent, "staging");
        onAgent.serviceUrls("staging");
        ImageRef gateway = onAgent.deployGateway("staging", true, false, null).image();
        assertThat(gateway.built()).isTrue();
        assertThat(gateway.tag()).isEqualTo("staging-" + head.substring(0, 7));
        Map<String, byte[]> contexts = new java.util.HashMap<>(cloud.storage.objects());
        contexts.remove(STAGING_BUCKET + "/" + STAGING_LEASE);
        // The services share the repository as their context (one archive), the gateway has its own.
        assertThat(contexts).hasSize(2).allSatisfy((name, archive) -> assertThat(archive).isNotEmpty());
        assertThat(cloud.cloudBuild.submitted()).hasSize(9).allSatisfy(b -> assertThat(contexts)
                .containsKey(b.getSource().getStorageSource().getBucket() + "/" + b.getSource().getStorageSource().getObject()));
    }

    @Test
    void aDeployLeavesItsReleaseRecordWithWhatEachStepDidAndTheAliasFollowsIt() throws Exception {
        String release = startRun("staging");
        Map<String, ImageRef> images = byService(steps.buildImages("staging", null, null));
        steps.applyTofu("staging", null, true, null);
        steps.runMigrations("staging");
        steps.applyTofu("staging", null, false, null);
        // Cloud Run now serves agent's new image from one revision (what the apply does); the other services are not checked here.
        String agent = FakeCloudRun.serviceName(PROJECT, REGION, "agent-service-staging");
        cloud.cloudRun.addRevision(agent, "agent-service-staging-00002-new", images.get("agent").ref(), true, CLOCK.instant());
        try (var clients = cloud.clients(PROJECT, Duration.ofSeconds(10))) {
            new CloudRunTraffic(clients.services(), clients.revisions(), log.stage("traffic"), Duration.ofSeconds(5))
                    .routeToLatest(ServiceName.parse(agent));
        }
        steps.serviceUrls("staging");
        steps.deployGateway("staging", true, false, null);
        steps.deployGateway("staging", false, false, null);
        assertThat(steps.healthCheck("staging", null).healthy()).isTrue();
        assertThat(steps.smokeTest("staging").passed()).isTrue();

        ReleaseResult finish = steps.release("staging", "finish", "SUCCEEDED", null, null);

        assertThat(finish.release()).isEqualTo(release);
        assertThat(finish.record().succeeded()).isTrue();
        ReleaseRecord record = ReleaseJson.read(repo.read("mm-release.json"), "mm-release.json");
        assertThat(record.id()).isEqualTo(release);
        assertThat(record.succeeded()).isTrue();
        assertThat(record.plans()).extracting(ReleaseRecord.PlanRecord::phase).containsExactly("services", "gateway");
        assertThat(record.migrations()).extracting(ReleaseRecord.MigrationRun::job).containsExactlyInAnyOrder("migrate-main-staging", "migrate-habits-staging");
        assertThat(record.approvals()).extracting(ReleaseRecord.Approval::approver).containsExactly("auto", "auto");
        assertThat(record.smokeTests()).extracting(ReleaseRecord.SmokeCheck::name).containsExactly("federates");
        assertThat(record.serving("agent").orElseThrow().revision()).isEqualTo("agent-service-staging-00002-new");
        assertThat(record.serving("journal").orElseThrow().image().digest()).isEqualTo(images.get("journal").digest());
        // The lease goes with the final record.
        assertThat(cloud.storage.objects()).doesNotContainKey(STAGING_BUCKET + "/" + STAGING_LEASE);

        AliasResult alias = steps.moveAlias("staging");
        assertThat(alias.alias()).isEqualTo("staging-latest");
        assertThat(alias.images()).containsEntry("agent", images.get("agent").ref());
        assertThat(cloud.artifactRegistry.digestOf(images.get("agent").repository(), "staging-latest"))
                .contains(images.get("agent").digest());
        assertThat(steps.run("staging").succeeded(Phase.ALIAS)).isTrue();
        assertThat(cloud.storage.objects()).doesNotContainKey(STAGING_BUCKET + "/" + STAGING_LEASE);
    }

    @Test
    void theReleaseIsRecordedAsSucceededOnlyAfterTheHealthCheckAndTheAliasOnlyAfterThat() throws Exception {
        startRun("staging");
        throughServicesApply(steps, "staging");
        steps.serviceUrls("staging");
        steps.deployGateway("staging", true, false, null);
        steps.deployGateway("staging", false, false, null);

        assertThatThrownBy(() -> steps.release("staging", "finish", "SUCCEEDED", null, null)).isInstanceOf(DeployException.class)
                .hasMessageContaining("Refusing Release record in staging: Smoke tests has not run")
                .hasMessageContaining("mmSmokeTest provides it");
        assertThatThrownBy(() -> steps.smokeTest("staging")).isInstanceOf(DeployException.class)
                .hasMessageContaining("Refusing Smoke tests in staging: Health has not run")
                .hasMessageContaining("mmHealthCheck provides it");
        assertThatThrownBy(() -> steps.moveAlias("staging")).isInstanceOf(DeployException.class)
                .hasMessageContaining("No succeeded release to move staging-latest");

        assertThat(ReleaseJson.read(repo.read("mm-release.json"), "mm-release.json").inProgress()).isTrue();
        assertThat(steps.run("staging").finished()).isNull();
        assertThat(cloud.artifactRegistry.digestOf("us-east4-docker.pkg.dev/mindmirror-staging/mindmirror/agent-service", "staging-latest"))
                .isEmpty();
    }

    @Test
    void aFailedDeployIsRecordedWithItsStageAndMovesNoAlias() throws Exception {
        String release = startRun("staging");
        steps.buildImages("staging", null, null);

        steps.release("staging", "finish", "FAILED", "Migrations", null);

        ReleaseRecord record = ReleaseJson.read(repo.read("mm-release.json"), "mm-release.json");
        assertThat(record.id()).isEqualTo(release);
        assertThat(record.outcome().status()).isEqualTo(ReleaseRecord.Status.FAILED);
        assertThat(record.outcome().failedPhase()).isEqualTo("Migrations");
        assertThat(steps.run("staging").phase(Phase.RELEASE).status()).isEqualTo(RunJournal.FAILED);
        assertThatThrownBy(() -> steps.moveAlias("staging")).isInstanceOf(DeployException.class).hasMessageContaining("staging-latest");
        assertThat(cloud.artifactRegistry.digestOf("us-east4-docker.pkg.dev/mindmirror-staging/mindmirror/agent-service", "staging-latest"))
                .isEmpty();
        assertThat(cloud.storage.objects()).doesNotContainKey(STAGING_BUCKET + "/" + STAGING_LEASE);
        assertThatThrownBy(() -> steps.release("staging", "finish", "DONE", null, null)).hasMessageContaining("SUCCEEDED or FAILED");
        assertThatThrownBy(() -> steps.release("staging", "begin", null, null, null)).hasMessageContaining("start or finish");
    }

    @Test
    void inProductionAHashAloneIsNotAnApprovalAndTheRefusedStepsChangeNothing() throws Exception {
        DeploySteps hashOnly = steps(host(new LocalWorkspace(repo.root()), repo.root(), new LocalCommandRunner(repo.root()))
                .withApprovals(ApprovalLedger.none()));
        startRun("production");
        steps.buildImages("production", null, null);
        String plan = steps.applyTofu("production", null, true, null).planHash();

        // The gate stands before the migrations: without a recorded approval of the plan the schema stays as it is.
        assertThatThrownBy(() -> steps.runMigrations("production")).isInstanceOf(DeployException.class)
                .hasMessageContaining("Refusing Migrations in production: the services plan " + plan.substring(0, 12)
                        + " has no recorded approval")
                .hasMessageContaining("a plan hash alone is not an approval");
        assertThat(cloud.cloudRun.executions()).isEmpty();

        approvals.record(new RecordedApproval("production", Gate.SERVICES, plan, "ana", CLOCK.instant()));
        steps.runMigrations("production");
        assertThat(cloud.cloudRun.executions()).hasSize(2);

        // A host that recorded no approval passes the very hash: refused, and the plan is not used up.
        assertThatThrownBy(() -> hashOnly.applyTofu("production", null, false, plan)).isInstanceOf(DeployException.class)
                .hasMessageContaining("Refusing Services apply in production: the services plan " + plan.substring(0, 12)
                        + " has no recorded approval");
        assertThat(applied()).isZero();
        assertThat(steps.run("production").openPlan(Phase.SERVICES_PLAN).hash()).isEqualTo(plan);
        assertThat(phasesRecorded("production")).doesNotContain(Phase.SERVICES_APPLY.id());

        assertThat(steps.applyTofu("production", null, false, plan).applied()).isTrue();
        assertThat(applied()).isOne();
        assertThat(steps.run("production").approvals()).extracting(ReleaseRecord.Approval::approver).containsExactly("ana");
    }

    @Test
    void inProductionTheApprovalOfOnePlanNeverAppliesAnother() throws Exception {
        startRun("production");
        steps.buildImages("production", null, null);
        String services = steps.applyTofu("production", null, true, null).planHash();
        approvals.record(new RecordedApproval("production", Gate.SERVICES, services, "ana", CLOCK.instant()));
        steps.runMigrations("production");
        steps.applyTofu("production", null, false, services);
        steps.serviceUrls("production");
        steps.deployGateway("production", true, false, null);
        assertThatThrownBy(() -> steps.deployGateway("production", false, false, null)).isInstanceOf(DeployException.class)
                .hasMessageContaining("Refusing to plan and apply production in one call");
        String gateway = steps.deployGateway("production", false, true, null).tofu().planHash();
        assertThat(gateway).isNotEqualTo(services);
        // Plan A (the services plan) approved at the gateway gate too: it is still not plan B's approval.
        approvals.record(new RecordedApproval("production", Gate.GATEWAY, services, "ana", CLOCK.instant()));
        long appliedBefore = applied();

        assertThatThrownBy(() -> steps.deployGateway("production", false, false, gateway)).isInstanceOf(DeployException.class)
                .hasMessageContaining("the gateway plan " + gateway.substring(0, 12) + " has no recorded approval");
        assertThatThrownBy(() -> steps.deployGateway("production", false, false, services)).isInstanceOf(DeployException.class)
                .hasMessageContaining("plan " + services.substring(0, 12) + " is not this run's open plan");

        assertThat(applied()).isEqualTo(appliedBefore);
        assertThat(phasesRecorded("production")).doesNotContain(Phase.GATEWAY_APPLY.id());
        approvals.record(new RecordedApproval("production", Gate.GATEWAY, gateway, "rita", CLOCK.instant()));
        assertThat(steps.deployGateway("production", false, false, gateway).tofu().applied()).isTrue();
        assertThat(applied()).isEqualTo(appliedBefore + 1);
        // What was applied is the gateway's own (targeted) plan file.
        assertThat(tofu.calls().stream().filter(c -> c.contains("| applied: ")).reduce((a, b) -> b).orElseThrow())
                .contains("applied: plan-").contains("-target=google_cloud_run_v2_service.gateway");
    }

    @Test
    void aConfigThatFailsTheIsolationPreflightIsRefusedByEveryMutatingStepBeforeAnyCloudCall() throws Exception {
        // A whole deploy first, so that each step would otherwise have what it needs (a run, a succeeded release).
        startRun("staging");
        throughServicesApply(steps, "staging");
        steps.serviceUrls("staging");
        steps.deployGateway("staging", true, false, null);
        steps.deployGateway("staging", false, false, null);
        steps.healthCheck("staging", null);
        steps.smokeTest("staging");
        steps.release("staging", "finish", "SUCCEEDED", null, null);
        repo.replace(ExampleRepo.CONFIG, "registry: us-east4-docker.pkg.dev/mindmirror-staging/mindmirror",
                "registry: us-east4-docker.pkg.dev/mindmirror-69/mindmirror");
        DeploySteps broken = steps(host(new LocalWorkspace(repo.root()), repo.root(), new LocalCommandRunner(repo.root())));
        opened.set(0);
        List<String> callsBefore = tofu.calls();
        int executions = cloud.cloudRun.executions().size();
        int urlVersions = cloud.secretManager.payloads(PROJECT, "service-urls-staging").size();
        int records = cloud.secretManager.payloads(PROJECT, "mm-releases-staging").size();
        int builds = cloud.cloudBuild.submitted().size();
        int storageRequests = cloud.storage.requests().size();
        String plan = (String) steps.run("staging").pending().get(Phase.SERVICES_PLAN.id()).hash();

        List<ThrowingStep> mutating = List.of(
                () -> broken.preflight("staging"),
                () -> broken.release("staging", "start", null, null, "deploy"),
                () -> broken.buildImages("staging", null, null),
                () -> broken.runMigrations("staging"),
                () -> broken.applyTofu("staging", null, true, null),
                () -> broken.applyTofu("staging", null, false, null),
                () -> broken.applyTofu("staging", null, false, plan),
                () -> broken.serviceUrls("staging"),
                () -> broken.deployGateway("staging", true, false, null),
                () -> broken.deployGateway("staging", false, false, null),
                () -> broken.rollback("staging", "all", "previous", false),
                () -> broken.moveAlias("staging"));
        for (ThrowingStep step : mutating) {
            assertThatThrownBy(step::run).isInstanceOf(DeployException.class)
                    .hasMessageContaining("staging pushes images into production's project mindmirror-69");
        }

        assertThat(opened).hasValue(0);
        assertThat(tofu.calls()).isEqualTo(callsBefore);
        assertThat(cloud.cloudRun.executions()).hasSize(executions);
        assertThat(cloud.secretManager.payloads(PROJECT, "service-urls-staging")).hasSize(urlVersions);
        assertThat(cloud.secretManager.payloads(PROJECT, "mm-releases-staging")).hasSize(records);
        assertThat(cloud.cloudBuild.submitted()).hasSize(builds);
        assertThat(cloud.storage.requests()).hasSize(storageRequests);
        assertThat(cloud.artifactRegistry.digestOf("us-east4-docker.pkg.dev/mindmirror-staging/mindmirror/agent-service", "staging-latest"))
                .isEmpty();
    }

    @FunctionalInterface
    interface ThrowingStep {
        Object run() throws Exception;
    }

    static Map<String, ImageRef> byService(ImagesResult images) {
        Map<String, ImageRef> out = new java.util.LinkedHashMap<>();
        images.images().forEach(i -> out.put(i.service(), i));
        return out;
    }
}
