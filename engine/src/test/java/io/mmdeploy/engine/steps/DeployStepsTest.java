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
import io.mmdeploy.engine.config.LoadedConfig;
import io.mmdeploy.engine.diagnostics.DeployException;
import io.mmdeploy.engine.flow.Phase;
import io.mmdeploy.engine.gcp.GoogleClients;
import io.mmdeploy.engine.gcp.fake.CapturedLog;
import io.mmdeploy.engine.gcp.fake.FakeCloudRun;
import io.mmdeploy.engine.gcp.fake.FakeGoogleCloud;
import io.mmdeploy.engine.port.Command;
import io.mmdeploy.engine.port.local.LocalCommandRunner;
import io.mmdeploy.engine.port.local.LocalWorkspace;
import io.mmdeploy.engine.release.ReleaseJson;
import io.mmdeploy.engine.release.ReleaseRecord;
import io.mmdeploy.engine.testing.ExampleRepo;
import io.mmdeploy.engine.testing.FakeTofu;
import io.mmdeploy.engine.tofu.TofuSettings;
import io.mmdeploy.engine.traffic.CloudRunTraffic;
import java.io.IOException;
import java.net.InetSocketAddress;
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
    static final List<String> SERVICES = List.of("agent", "journal", "habits", "meals", "movements", "practices", "users");
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
        http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        http.createContext("/", exchange -> {
            String service = exchange.getRequestURI().getPath().split("/")[1];
            int status = unhealthy.contains(service) ? 503 : 200;
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        http.start();
        for (String s : SERVICES) {
            cloud.cloudRun.addService(PROJECT, REGION, s + "-service-staging", url(s));
            cloud.cloudRun.addService(PRODUCTION, REGION, s + "-service", url(s));
        }
        cloud.cloudRun.addService(PROJECT, REGION, "mesh-gateway-staging", url("mesh"));
        cloud.cloudRun.addService(PRODUCTION, REGION, "mesh-gateway", url("mesh"));
        for (String job : List.of("migrate-main", "migrate-habits")) {
            cloud.cloudRun.addJob(PROJECT, REGION, job + "-staging", "old", 0);
            cloud.cloudRun.addJob(PRODUCTION, REGION, job, "old", 0);
        }
        // The lease lives in each environment's state bucket (infra/environments/*.backend.hcl).
        cloud.storage.addBucket(STAGING_BUCKET, "1234567890");
        cloud.storage.addBucket("mindmirror-69-tfstate", "3858903851");
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
        String release = (String) s.preflight(env).get("release");
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

        String release = (String) steps.preflight("staging").get("release");
        assertThat(steps.run("staging").release()).isEqualTo(release);
        // mmPreflight changes nothing in the cloud: the lease is taken by release start.
        assertThat(cloud.storage.objects()).isEmpty();

        Map<String, Object> start = steps.release("staging", "start", null, null, "deploy");

        assertThat(start).containsEntry("release", release).containsEntry("record", DeploySteps.RECORD_FILE);
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
        assertThat(cloud.cloudBuild.submitted()).hasSize(SERVICES.size());
    }

    @Test
    void buildImagesBuildsEachServiceKeepsThemInTheRunAndReusesOnTheNextCall() throws Exception {
        startRun("staging");
        String varFile = repo.read(VAR_FILE);

        Map<String, Object> first = steps.buildImages("staging", null, null);

        assertThat(first).containsEntry("built", 7L).containsEntry("reused", 0L);
        Map<String, Map<String, Object>> images = cast(first.get("images"));
        assertThat(images.keySet()).containsExactlyElementsOf(SERVICES);
        Map<String, Object> agent = images.get("agent");
        assertThat(agent.keySet()).containsExactly("image", "tag", "tags", "digest", "ref", "built");
        assertThat(agent.get("image")).isEqualTo("us-east4-docker.pkg.dev/mindmirror-staging/mindmirror/agent-service");
        assertThat((String) agent.get("tag")).startsWith("staging-");
        assertThat(agent.get("ref")).isEqualTo(agent.get("image") + "@" + agent.get("digest"));
        assertThat(repo.read(".mm-deploy/staging.run.json")).contains((String) agent.get("digest"));
        assertThat(steps.run("staging").succeeded(Phase.BUILD_IMAGES)).isTrue();
        // The build no longer writes the image variables: each plan does, from the run's images.
        assertThat(repo.read(VAR_FILE)).isEqualTo(varFile);

        Map<String, Object> again = steps.buildImages("staging", List.of("agent", "users"), null);
        assertThat(again).containsEntry("built", 0L).containsEntry("reused", 2L);
        assertThat(map(again.get("images")).keySet()).containsExactly("agent", "users");
        assertThat(cloud.cloudBuild.submitted()).hasSize(7);

        steps.applyTofu("staging", null, true, null);
        assertThat(repo.read(VAR_FILE)).contains("agent_service_container_image", (String) agent.get("ref"));
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
    void migrationsRefuseBeforeTheBuildAndBeforeTheServicesPlanAndRunNoJob() throws Exception {
        String release = startRun("staging");

        assertThatThrownBy(() -> steps.runMigrations("staging")).isInstanceOf(DeployException.class)
                .hasMessageContaining("Refusing Migrations in staging: Build images has not run in this run (release " + release + ")")
                .hasMessageContaining("mmBuildImages provides it");
        steps.buildImages("staging", null, null);
        assertThatThrownBy(() -> steps.runMigrations("staging")).isInstanceOf(DeployException.class)
                .hasMessageContaining("Refusing Migrations in staging: Services plan has not run")
                .hasMessageContaining("mmApplyTofu(planOnly: true) provides it");

        assertThat(cloud.cloudRun.executions()).isEmpty();
        assertThat(cloud.cloudRun.jobImage(FakeCloudRun.jobName(PROJECT, REGION, "migrate-main-staging"))).isEqualTo("old");
        assertThat(phasesRecorded("staging")).doesNotContain(Phase.MIGRATIONS.id());
    }

    @Test
    void migrationsRunTheImagesOfTheBuildStepAfterTheServicesPlan() throws Exception {
        startRun("staging");
        Map<String, Map<String, Object>> images = cast(steps.buildImages("staging", null, null).get("images"));
        steps.applyTofu("staging", null, true, null);

        Map<String, Object> result = steps.runMigrations("staging");

        assertThat(result).containsEntry("result", "SUCCEEDED").containsEntry("skipped", false);
        List<Map<String, Object>> executions = cast(result.get("executions"));
        assertThat(executions).extracting(e -> e.get("job")).containsExactly("migrate-main-staging", "migrate-habits-staging");
        assertThat(executions.get(0).keySet()).containsExactly("job", "execution", "result", "image");
        assertThat(cloud.cloudRun.executions()).hasSize(2);
        assertThat(cloud.cloudRun.jobImage(FakeCloudRun.jobName(PROJECT, REGION, "migrate-habits-staging")))
                .isEqualTo(images.get("habits").get("ref"));
        assertThat(steps.run("staging").migrations()).extracting(ReleaseRecord.MigrationRun::job)
                .containsExactly("migrate-main-staging", "migrate-habits-staging");

        // Same images, same run: not run again.
        assertThat(steps.runMigrations("staging")).containsEntry("skipped", true);
        assertThat(cloud.cloudRun.executions()).hasSize(2);
    }

    @Test
    void theServicesApplyRefusesBeforeTheMigrationsAndAppliesNothing() throws Exception {
        startRun("staging");
        steps.buildImages("staging", null, null);
        String plan = (String) steps.applyTofu("staging", null, true, null).get("planHash");
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
        Map<String, Object> done = steps.applyTofu("staging", null, false, null);
        assertThat(done).containsEntry("applied", true).containsEntry("planHash", plan);
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

        Map<String, Object> staging = steps.applyTofu("staging", null, false, null);

        assertThat(staging.keySet()).containsExactly("planHash", "summaryText", "counts", "changed", "applied", "outputs", "imageChanges",
                "skipped");
        assertThat(staging).containsEntry("applied", true).containsEntry("skipped", false);
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
    void theGatewayPhasesRefuseUntilTheServicesAreAppliedAndTheirUrlsStored() throws Exception {
        startRun("staging");
        steps.buildImages("staging", null, null);
        steps.applyTofu("staging", null, true, null);
        steps.runMigrations("staging");

        assertThatThrownBy(() -> steps.serviceUrls("staging")).isInstanceOf(DeployException.class)
                .hasMessageContaining("Refusing Service URLs secret in staging: Services apply has not run")
                .hasMessageContaining("mmApplyTofu(approvedPlanHash: …) provides it");
        assertThat(cloud.secretManager.exists(PROJECT, "service-urls-staging")).isFalse();

        steps.applyTofu("staging", null, false, null);
        assertThatThrownBy(() -> steps.deployGateway("staging", true, false, null)).isInstanceOf(DeployException.class)
                .hasMessageContaining("Refusing Gateway build in staging: Service URLs secret has not run")
                .hasMessageContaining("mmServiceUrls provides it");
        assertThat(cloud.cloudBuild.submitted()).hasSize(7);

        steps.serviceUrls("staging");
        assertThatThrownBy(() -> steps.deployGateway("staging", false, true, null)).isInstanceOf(DeployException.class)
                .hasMessageContaining("Refusing Gateway plan in staging: Gateway build has not run")
                .hasMessageContaining("mmDeployGateway(buildOnly: true) provides it");
        assertThatThrownBy(() -> steps.deployGateway("staging", true, true, null)).isInstanceOf(DeployException.class)
                .hasMessageContaining("buildOnly with planOnly");
        assertThat(tofu.calls()).noneMatch(c -> c.contains("-target="));
        assertThat(phasesRecorded("staging")).doesNotContain(Phase.GATEWAY_BUILD.id(), Phase.GATEWAY_PLAN.id());
    }

    @Test
    void serviceUrlsThenGatewayBuildThenGatewayApplyWithItsHealth() throws Exception {
        startRun("staging");
        throughServicesApply(steps, "staging");

        Map<String, Object> urls = steps.serviceUrls("staging");
        assertThat(map(urls.get("urls")).keySet()).containsExactlyElementsOf(SERVICES);
        assertThat((String) urls.get("secret")).contains("secrets/service-urls-staging/versions/");
        assertThat(cloud.secretManager.payloads(PROJECT, "service-urls-staging")).hasSize(1);

        Map<String, Object> built = steps.deployGateway("staging", true, false, null);
        assertThat(built.keySet()).containsExactly("image", "urlsUsed");
        assertThat(built).containsEntry("urlsUsed", 7);
        Map<String, Object> image = cast(built.get("image"));
        assertThat(image).containsEntry("built", true);
        // The gateway's variable is written by its own plan, not by its build (nor by the services' plan).
        assertThat(repo.read(VAR_FILE)).doesNotContain((String) image.get("ref"));

        Map<String, Object> applied = steps.deployGateway("staging", false, false, null);
        assertThat(applied).containsEntry("applied", true).containsKeys("planHash", "summaryText", "health");
        assertThat(map(applied.get("image"))).containsEntry("ref", image.get("ref")).containsEntry("built", false);
        assertThat(repo.read(VAR_FILE)).contains("gateway_container_image", (String) image.get("ref"));
        Map<String, Object> health = cast(applied.get("health"));
        assertThat(health).containsEntry("healthy", true);
        assertThat(map(health.get("results")).keySet()).containsExactly("mesh");
        assertThat(tofu.calls()).anyMatch(c -> c.contains("| plan ") && c.contains("-target=google_cloud_run_v2_service.gateway"));
        assertThat(applied()).isEqualTo(2);
        assertThat(steps.run("staging").succeeded(Phase.GATEWAY_APPLY)).isTrue();
    }

    @Test
    void healthCheckReturnsEachResultByNameAndDoesNotThrowWhenOneIsUnhealthy() throws Exception {
        unhealthy.add("journal");

        Map<String, Object> all = steps.healthCheck("staging", null);

        assertThat(all).containsEntry("healthy", false);
        Map<String, Map<String, Object>> results = cast(all.get("results"));
        assertThat(results.keySet()).containsAll(SERVICES).contains("mesh");
        assertThat(results.get("journal")).containsEntry("healthy", false).containsEntry("status", 503);
        assertThat(results.get("journal").keySet()).containsExactly("healthy", "attempts", "status", "millis", "url");
        assertThat(results.get("agent")).containsEntry("healthy", true).containsEntry("attempts", 1);
        assertThat(steps.healthCheck("staging", List.of("agent", "mesh"))).containsEntry("healthy", true);
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
        Map<String, Object> built = onAgent.buildImages("staging", null, null);
        assertThat(built).containsEntry("built", 7L);
        Map<String, Map<String, Object>> images = cast(built.get("images"));
        assertThat(images.get("agent")).containsEntry("tag", "staging-" + head.substring(0, 7));
        assertThatThrownBy(() -> unreachable.applyTofu("staging", null, true, null)).isInstanceOf(DeployException.class)
                .hasMessageContaining("node");
        assertThat(tofu.calls()).isEmpty();
        throughServicesApply(onAgent, "staging");
        onAgent.serviceUrls("staging");
        Map<String, Object> gateway = cast(onAgent.deployGateway("staging", true, false, null).get("image"));
        assertThat(gateway).containsEntry("built", true).containsEntry("tag", "staging-" + head.substring(0, 7));
        Map<String, byte[]> contexts = new java.util.HashMap<>(cloud.storage.objects());
        contexts.remove(STAGING_BUCKET + "/" + STAGING_LEASE);
        assertThat(contexts).hasSize(8).allSatisfy((name, archive) -> assertThat(archive).isNotEmpty());
    }

    @Test
    void aDeployLeavesItsReleaseRecordWithWhatEachStepDidAndTheAliasFollowsIt() throws Exception {
        String release = startRun("staging");
        Map<String, Map<String, Object>> images = cast(steps.buildImages("staging", null, null).get("images"));
        steps.applyTofu("staging", null, true, null);
        steps.runMigrations("staging");
        steps.applyTofu("staging", null, false, null);
        // Cloud Run now serves agent's new image from one revision (what the apply does); the other services are not checked here.
        String agent = FakeCloudRun.serviceName(PROJECT, REGION, "agent-service-staging");
        cloud.cloudRun.addRevision(agent, "agent-service-staging-00002-new", (String) images.get("agent").get("ref"), true, CLOCK.instant());
        try (var clients = cloud.clients(PROJECT, Duration.ofSeconds(10))) {
            new CloudRunTraffic(clients.services(), clients.revisions(), log.stage("traffic"), Duration.ofSeconds(5))
                    .routeToLatest(ServiceName.parse(agent));
        }
        steps.serviceUrls("staging");
        steps.deployGateway("staging", true, false, null);
        steps.deployGateway("staging", false, false, null);
        assertThat(steps.healthCheck("staging", null)).containsEntry("healthy", true);

        Map<String, Object> finish = steps.release("staging", "finish", "SUCCEEDED", null, null);

        assertThat(finish).containsEntry("release", release).containsEntry("record", "mm-release.json");
        ReleaseRecord record = ReleaseJson.read(repo.read("mm-release.json"), "mm-release.json");
        assertThat(record.id()).isEqualTo(release);
        assertThat(record.succeeded()).isTrue();
        assertThat(record.plans()).extracting(ReleaseRecord.PlanRecord::phase).containsExactly("services", "gateway");
        assertThat(record.migrations()).extracting(ReleaseRecord.MigrationRun::job).containsExactly("migrate-main-staging", "migrate-habits-staging");
        assertThat(record.approvals()).extracting(ReleaseRecord.Approval::approver).containsExactly("auto", "auto");
        assertThat(record.serving("agent").orElseThrow().revision()).isEqualTo("agent-service-staging-00002-new");
        assertThat(record.serving("journal").orElseThrow().image().digest()).isEqualTo(images.get("journal").get("digest"));
        // The lease goes with the final record.
        assertThat(cloud.storage.objects()).doesNotContainKey(STAGING_BUCKET + "/" + STAGING_LEASE);

        Map<String, Object> alias = steps.moveAlias("staging");
        assertThat(alias).containsEntry("alias", "staging-latest");
        assertThat(map(alias.get("images"))).containsEntry("agent", images.get("agent").get("ref"));
        assertThat(cloud.artifactRegistry.digestOf((String) images.get("agent").get("image"), "staging-latest"))
                .contains((String) images.get("agent").get("digest"));
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
                .hasMessageContaining("Refusing Release record in staging: Health has not run")
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
        String plan = (String) steps.applyTofu("production", null, true, null).get("planHash");

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

        Map<String, Object> done = steps.applyTofu("production", null, false, plan);
        assertThat(done).containsEntry("applied", true);
        assertThat(applied()).isOne();
        assertThat(steps.run("production").approvals()).extracting(ReleaseRecord.Approval::approver).containsExactly("ana");
    }

    @Test
    void inProductionTheApprovalOfOnePlanNeverAppliesAnother() throws Exception {
        startRun("production");
        steps.buildImages("production", null, null);
        String services = (String) steps.applyTofu("production", null, true, null).get("planHash");
        approvals.record(new RecordedApproval("production", Gate.SERVICES, services, "ana", CLOCK.instant()));
        steps.runMigrations("production");
        steps.applyTofu("production", null, false, services);
        steps.serviceUrls("production");
        steps.deployGateway("production", true, false, null);
        assertThatThrownBy(() -> steps.deployGateway("production", false, false, null)).isInstanceOf(DeployException.class)
                .hasMessageContaining("Refusing to plan and apply production in one call");
        String gateway = (String) steps.deployGateway("production", false, true, null).get("planHash");
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
        assertThat(steps.deployGateway("production", false, false, gateway)).containsEntry("applied", true);
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

    static Map<String, Object> map(Object value) {
        return cast(value);
    }

    @SuppressWarnings("unchecked")
    static <T> T cast(Object value) {
        return (T) value;
    }
}
