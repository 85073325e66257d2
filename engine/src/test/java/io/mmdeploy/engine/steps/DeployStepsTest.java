package io.mmdeploy.engine.steps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import com.google.cloud.run.v2.ServiceName;
import io.mmdeploy.engine.approval.Approval;
import io.mmdeploy.engine.config.ApprovalPolicy;
import io.mmdeploy.engine.config.ConfigLoader;
import io.mmdeploy.engine.config.LoadedConfig;
import io.mmdeploy.engine.diagnostics.DeployException;
import io.mmdeploy.engine.gcp.fake.CapturedLog;
import io.mmdeploy.engine.gcp.fake.FakeCloudRun;
import io.mmdeploy.engine.gcp.fake.FakeGoogleCloud;
import io.mmdeploy.engine.config.EnvironmentSpec;
import io.mmdeploy.engine.gcp.GoogleClients;
import io.mmdeploy.engine.port.Command;
import io.mmdeploy.engine.port.local.LocalCommandRunner;
import io.mmdeploy.engine.release.ReleaseJson;
import io.mmdeploy.engine.release.ReleaseRecord;
import io.mmdeploy.engine.traffic.CloudRunTraffic;
import io.mmdeploy.engine.port.local.LocalWorkspace;
import io.mmdeploy.engine.testing.ExampleRepo;
import io.mmdeploy.engine.testing.FakeTofu;
import io.mmdeploy.engine.tofu.TofuSettings;
import java.net.InetSocketAddress;
import java.nio.file.Files;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each step of docs/STEPS.md through DeploySteps: the example app, the Google fakes, the fake tofu, loopback HTTP. */
class DeployStepsTest {
    static final String PROJECT = "mindmirror-staging";
    static final String REGION = "us-east4";
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-22T05:00:00Z"), ZoneOffset.UTC);
    static final List<String> SERVICES = List.of("agent", "journal", "habits", "meals", "movements", "practices", "users");

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
        }
        cloud.cloudRun.addService(PROJECT, REGION, "mesh-gateway-staging", url("mesh"));
        LocalWorkspace workspace = new LocalWorkspace(repo.root());
        LoadedConfig loaded = new ConfigLoader(workspace).load(ExampleRepo.CONFIG);
        StepHost host = new StepHost(workspace, repo.root(), new LocalCommandRunner(repo.root()), log, log.mask,
                (env, wait) -> cloud.clients(env.projectId(), wait), CLOCK, d -> {});
        steps = new DeploySteps(host, loaded, new TofuSettings(tofu.binary().toString(), Duration.ofSeconds(30), Duration.ofMinutes(1)));
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

    @Test
    void buildImagesBuildsEachServiceWritesTheVarFileAndReusesOnTheNextCall() throws Exception {
        Map<String, Object> first = steps.buildImages("staging", null, null);

        assertThat(first).containsEntry("built", 7L).containsEntry("reused", 0L);
        Map<String, Map<String, Object>> images = cast(first.get("images"));
        assertThat(images.keySet()).containsExactlyElementsOf(SERVICES);
        Map<String, Object> agent = images.get("agent");
        assertThat(agent.keySet()).containsExactly("image", "tag", "tags", "digest", "ref", "built");
        assertThat(agent.get("image")).isEqualTo("us-east4-docker.pkg.dev/mindmirror-staging/mindmirror/agent-service");
        assertThat((String) agent.get("tag")).startsWith("staging-");
        assertThat(agent.get("ref")).isEqualTo(agent.get("image") + "@" + agent.get("digest"));
        assertThat(repo.read("infra/environments/staging.auto.tfvars")).contains("agent_service_container_image", (String) agent.get("ref"));
        assertThat(repo.read(".mm-deploy/staging.run.json")).contains((String) agent.get("digest"));

        Map<String, Object> again = steps.buildImages("staging", List.of("agent", "users"), null);
        assertThat(again).containsEntry("built", 0L).containsEntry("reused", 2L);
        assertThat(map(again.get("images")).keySet()).containsExactly("agent", "users");
        assertThat(cloud.cloudBuild.submitted()).hasSize(7);
    }

    @Test
    void buildImagesRefusesAnUnknownServiceOrBuilderBeforeBuilding() {
        assertThatThrownBy(() -> steps.buildImages("staging", List.of("agent", "jurnal"), null))
                .isInstanceOf(DeployException.class).hasMessageContaining("jurnal");
        assertThatThrownBy(() -> steps.buildImages("staging", null, "kaniko"))
                .isInstanceOf(DeployException.class).hasMessageContaining("Unknown builder \"kaniko\"");
        assertThat(cloud.cloudBuild.submitted()).isEmpty();
    }

    @Test
    void migrationsRunTheImagesOfTheBuildStep() throws Exception {
        cloud.cloudRun.addJob(PROJECT, REGION, "migrate-main-staging", "old", 0);
        cloud.cloudRun.addJob(PROJECT, REGION, "migrate-habits-staging", "old", 0);
        assertThatThrownBy(() -> steps.runMigrations("staging")).isInstanceOf(DeployException.class)
                .hasMessageContaining("mmBuildImages");

        Map<String, Map<String, Object>> images = cast(steps.buildImages("staging", null, null).get("images"));
        Map<String, Object> result = steps.runMigrations("staging");

        assertThat(result).containsEntry("result", "SUCCEEDED");
        List<Map<String, Object>> executions = cast(result.get("executions"));
        assertThat(executions).extracting(e -> e.get("job")).containsExactly("migrate-main-staging", "migrate-habits-staging");
        assertThat(executions.get(0).keySet()).containsExactly("job", "execution", "result", "succeededTasks", "failedTasks", "logUri");
        String jobImage = cloud.cloudRun.job(FakeCloudRun.jobName(PROJECT, REGION, "migrate-habits-staging"))
                .getTemplate().getTemplate().getContainers(0).getImage();
        assertThat(jobImage).isEqualTo(images.get("habits").get("ref"));
    }

    @Test
    void applyTofuPlansAndAppliesStagingButRefusesAnUngatedApplyOfProduction() throws Exception {
        assertThatThrownBy(() -> steps.applyTofu("production", null, false, null)).isInstanceOf(DeployException.class)
                .hasMessageContaining("planOnly").hasMessageContaining("approvedPlanHash");
        assertThat(tofu.calls()).isEmpty();

        Map<String, Object> staging = steps.applyTofu("staging", null, false, null);

        assertThat(staging.keySet()).containsExactly("planHash", "summaryText", "counts", "changed", "applied", "outputs");
        assertThat(staging).containsEntry("applied", true);
        assertThat(tofu.calls()).anyMatch(c -> c.contains("apply"));
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
        }, log, log.mask, google, CLOCK, d -> {});
        DeploySteps withToken = new DeploySteps(host, new ConfigLoader(workspace).load(ExampleRepo.CONFIG),
                new TofuSettings(tofu.binary().toString(), Duration.ofSeconds(30), Duration.ofMinutes(1)));

        withToken.applyTofu("staging", null, true, null);

        assertThat(commands).isNotEmpty().allSatisfy(c -> {
            assertThat(c.env()).containsEntry("GOOGLE_OAUTH_ACCESS_TOKEN", token);
            assertThat(c.secrets()).contains(token);
        });
        assertThat(log.text()).doesNotContain(token);
    }

    @Test
    void serviceUrlsThenGatewayBuildThenGatewayApplyWithItsHealth() throws Exception {
        Map<String, Object> urls = steps.serviceUrls("staging");
        assertThat(map(urls.get("urls")).keySet()).containsExactlyElementsOf(SERVICES);
        assertThat((String) urls.get("secret")).contains("secrets/service-urls-staging/versions/");

        Map<String, Object> built = steps.deployGateway("staging", true, false, null);
        assertThat(built.keySet()).containsExactly("image", "urlsUsed");
        assertThat(built).containsEntry("urlsUsed", 7);
        Map<String, Object> image = cast(built.get("image"));
        assertThat(image).containsEntry("built", true);
        assertThat(repo.read("infra/environments/staging.auto.tfvars")).contains("gateway_container_image", (String) image.get("ref"));

        Map<String, Object> applied = steps.deployGateway("staging", false, false, null);
        assertThat(applied).containsEntry("applied", true).containsKeys("planHash", "summaryText", "health");
        assertThat(map(applied.get("image"))).containsEntry("ref", image.get("ref")).containsEntry("built", false);
        Map<String, Object> health = cast(applied.get("health"));
        assertThat(health).containsEntry("healthy", true);
        assertThat(map(health.get("results")).keySet()).containsExactly("mesh");
        assertThat(tofu.calls()).anyMatch(c -> c.contains("-target=google_cloud_run_v2_service.gateway"));
    }

    @Test
    void gatewayApplyWithoutABuildSaysWhatToRunFirst() {
        assertThatThrownBy(() -> steps.deployGateway("staging", false, true, null)).isInstanceOf(DeployException.class)
                .hasMessageContaining("buildOnly");
        assertThatThrownBy(() -> steps.deployGateway("staging", true, true, null)).isInstanceOf(DeployException.class)
                .hasMessageContaining("buildOnly with planOnly");
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
    }

    @Test
    void aWorkspaceOnAnotherMachineBuildsWithGitThroughTheLauncherAndContextsThroughTheWorkspace() throws Exception {
        LocalWorkspace workspace = new LocalWorkspace(repo.root());
        String head = repo.commit("the commit the agent checked out");
        // No local root, as on a Jenkins agent: git runs as a program through the launcher, contexts are read through the port.
        StepHost remote = new StepHost(workspace, null, new LocalCommandRunner(repo.root()), log, log.mask,
                (env, wait) -> cloud.clients(env.projectId(), wait), CLOCK, d -> {});
        DeploySteps onAgent = new DeploySteps(remote, new ConfigLoader(workspace).load(ExampleRepo.CONFIG),
                new TofuSettings(tofu.binary().toString(), Duration.ofSeconds(30), Duration.ofMinutes(1)));

        assertThat((String) onAgent.release("staging", "start", null, null, null).get("release")).endsWith("-" + head.substring(0, 7));
        Map<String, Object> built = onAgent.buildImages("staging", null, null);
        assertThat(built).containsEntry("built", 7L);
        Map<String, Map<String, Object>> images = cast(built.get("images"));
        assertThat(images.get("agent")).containsEntry("tag", "staging-" + head.substring(0, 7));
        onAgent.serviceUrls("staging");
        Map<String, Object> gateway = cast(onAgent.deployGateway("staging", true, false, null).get("image"));
        assertThat(gateway).containsEntry("built", true).containsEntry("tag", "staging-" + head.substring(0, 7));
        assertThat(cloud.storage.objects()).hasSize(8).allSatisfy((name, archive) -> assertThat(archive).isNotEmpty());

        StepHost noLauncher = new StepHost(workspace, null, null, log, log.mask, (env, wait) -> cloud.clients(env.projectId(), wait),
                CLOCK, d -> {});
        DeploySteps unreachable = new DeploySteps(noLauncher, new ConfigLoader(workspace).load(ExampleRepo.CONFIG), TofuSettings.defaults());
        assertThatThrownBy(() -> unreachable.buildImages("staging", null, null)).isInstanceOf(DeployException.class)
                .hasMessageContaining("node");
        assertThatThrownBy(() -> unreachable.applyTofu("staging", null, true, null)).isInstanceOf(DeployException.class)
                .hasMessageContaining("node");
    }

    static Map<String, Object> map(Object value) {
        return cast(value);
    }

    @Test
    void aDeployLeavesItsReleaseRecordWithWhatEachStepDidAndTheAliasFollowsIt() throws Exception {
        LocalWorkspace workspace = new LocalWorkspace(repo.root());
        String release = (String) steps.preflight("staging").get("release");
        cloud.cloudRun.addJob(PROJECT, REGION, "migrate-main-staging", "old", 0);
        cloud.cloudRun.addJob(PROJECT, REGION, "migrate-habits-staging", "old", 0);

        Map<String, Object> start = steps.release("staging", "start", null, null, null);
        assertThat(start).containsEntry("release", release).containsEntry("record", DeploySteps.RECORD_FILE);
        assertThat(ReleaseJson.read(repo.read("mm-release.json"), "test").inProgress()).isTrue();

        Map<String, Map<String, Object>> images = cast(steps.buildImages("staging", null, null).get("images"));
        steps.runMigrations("staging");
        steps.applyTofu("staging", null, false, null);
        // Cloud Run now serves agent's new image from one revision (what the apply does); the other services are not checked here.
        String agent = FakeCloudRun.serviceName(PROJECT, REGION, "agent-service-staging");
        cloud.cloudRun.addRevision(agent, "agent-service-staging-00002-new", (String) images.get("agent").get("ref"), true, CLOCK.instant());
        try (var clients = cloud.clients(PROJECT, Duration.ofSeconds(10))) {
            new CloudRunTraffic(clients.services(), clients.revisions(), log.stage("traffic"), Duration.ofSeconds(5))
                    .routeToLatest(ServiceName.parse(agent));
        }

        Map<String, Object> finish = steps.release("staging", "finish", "SUCCEEDED", null, null);

        assertThat(finish).containsEntry("release", release).containsEntry("record", "mm-release.json");
        ReleaseRecord record = ReleaseJson.read(repo.read("mm-release.json"), "mm-release.json");
        assertThat(record.id()).isEqualTo(release);
        assertThat(record.succeeded()).isTrue();
        assertThat(record.plans()).extracting(ReleaseRecord.PlanRecord::phase).containsExactly("services");
        assertThat(record.migrations()).extracting(ReleaseRecord.MigrationRun::job).containsExactly("migrate-main-staging", "migrate-habits-staging");
        assertThat(record.approvals()).extracting(ReleaseRecord.Approval::approver).containsExactly("auto");
        assertThat(record.serving("agent").orElseThrow().revision()).isEqualTo("agent-service-staging-00002-new");
        assertThat(record.serving("journal").orElseThrow().image().digest()).isEqualTo(images.get("journal").get("digest"));

        Map<String, Object> alias = steps.moveAlias("staging");
        assertThat(alias).containsEntry("alias", "staging-latest");
        assertThat(map(alias.get("images"))).containsExactly(Map.entry("agent", images.get("agent").get("ref")));
        assertThat(cloud.artifactRegistry.digestOf((String) images.get("agent").get("image"), "staging-latest"))
                .contains((String) images.get("agent").get("digest"));
    }

    @Test
    void aFailedDeployIsRecordedWithItsStageAndMovesNoAlias() throws Exception {
        steps.release("staging", "start", null, null, null);

        steps.release("staging", "finish", "FAILED", "Migrations", null);

        ReleaseRecord record = ReleaseJson.read(repo.read("mm-release.json"), "mm-release.json");
        assertThat(record.outcome().status()).isEqualTo(ReleaseRecord.Status.FAILED);
        assertThat(record.outcome().failedPhase()).isEqualTo("Migrations");
        assertThatThrownBy(() -> steps.moveAlias("staging")).isInstanceOf(DeployException.class).hasMessageContaining("staging-latest");
        assertThatThrownBy(() -> steps.release("staging", "finish", "DONE", null, null)).hasMessageContaining("SUCCEEDED or FAILED");
        assertThatThrownBy(() -> steps.release("staging", "begin", null, null, null)).hasMessageContaining("start or finish");
    }

    @SuppressWarnings("unchecked")
    static <T> T cast(Object value) {
        return (T) value;
    }
}
