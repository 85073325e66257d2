package io.mmdeploy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.mmdeploy.engine.config.ConfigLoader;
import io.mmdeploy.engine.gcp.GoogleClients;
import io.mmdeploy.engine.gcp.fake.CapturedLog;
import io.mmdeploy.engine.gcp.fake.FakeGoogleCloud;
import io.mmdeploy.engine.lease.EnvironmentLease;
import io.mmdeploy.engine.lease.Lease;
import io.mmdeploy.engine.port.Sleeper;
import io.mmdeploy.engine.port.local.LocalWorkspace;
import io.mmdeploy.engine.testing.ExampleRepo;
import io.mmdeploy.engine.testing.FakeTofu;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code mmdeploy apply-tofu} on the bundled example, with the fake tofu standing in for the real one. */
class ApplyTofuCommandTest {
    static final String STAGING_BUCKET = "mindmirror-staging-tfstate";
    static final String AGENT = "us-east4-docker.pkg.dev/mindmirror-staging/mindmirror/agent-service@sha256:" + "c".repeat(64);

    @TempDir
    Path dir;
    ExampleRepo repo;
    FakeTofu fake;
    String out;
    String err;

    /** The environments' state buckets, where an apply holds the environment's lease. */
    FakeGoogleCloud cloud;

    @BeforeEach
    void setUp() throws Exception {
        repo = ExampleRepo.gitRepoInto(dir.resolve("app"), "staging");
        fake = new FakeTofu(dir.resolve("bin"));
        cloud = FakeGoogleCloud.start();
        cloud.storage.addBucket(STAGING_BUCKET, "1234567890");
        cloud.storage.addBucket("mindmirror-69-tfstate", "3858903851");
    }

    @AfterEach
    void tearDown() {
        cloud.close();
    }

    private int run(String... args) {
        StringWriter o = new StringWriter();
        StringWriter e = new StringWriter();
        ApplyTofuCommand command = new ApplyTofuCommand();
        command.connector = (env, wait) -> cloud.clients(env.projectId(), wait);
        CommandLine cli = new CommandLine(command);
        cli.setOut(new PrintWriter(o, true));
        cli.setErr(new PrintWriter(e, true));
        MmDeploy.reporting(cli);
        List<String> argv = new ArrayList<>(List.of("--config", repo.config().toString(), "--binary", fake.binary().toString()));
        argv.addAll(List.of(args));
        int code = cli.execute(argv.toArray(String[]::new));
        out = o.toString();
        err = e.toString();
        return code;
    }

    @Test
    void stagingWritesTheImagePlansAndAppliesWithoutAGate() throws Exception {
        assertThat(run("--env", "staging", "--image", "agent=" + AGENT, "--commit-tfvars", "rel-7", "--lock-timeout", "45s")).as(err).isZero();
        assertThat(repo.read("infra/environments/staging.auto.tfvars")).contains("agent_service_container_image = \"" + AGENT + "\"")
                .startsWith("# staging: written by hand");
        try (Git git = Git.open(repo.root().toFile())) {
            assertThat(git.log().setMaxCount(1).call().iterator().next().getShortMessage())
                    .isEqualTo("mm-deploy: staging images for release rel-7");
        }
        assertThat(out).contains("Plan for staging: 1 to create, 3 to update, 1 to replace, 1 to delete",
                "!! 1 resource(s) will be DESTROYED", "Applied plan sha256 ", "output db_password = (sensitive)",
                "url agent-service https://agent-service-staging-1234567890.us-east4.run.app");
        assertThat(out + err).doesNotContain("db-pass-XYZ-987");
        assertThat(err).contains("[apply-tofu] $ " + fake.binary() + " plan", "Apply complete!", "[tfvars] infra/environments/staging.auto.tfvars: agent_service_container_image set");
        assertThat(fake.calls()).anyMatch(c -> c.contains("-lock-timeout=45s")).anyMatch(c -> c.contains("applied: "));
    }

    @Test
    void productionStopsAtItsGateAndAppliesTheReviewedPlanByHashLater() throws Exception {
        assertThat(run("--env", "production")).as(err).isZero();
        assertThat(out).contains("Not applied: production requires approval before the services phase.");
        assertThat(fake.calls()).noneMatch(c -> c.contains("applied: "));
        Matcher m = Pattern.compile("--approved-plan ([0-9a-f]{64})").matcher(out);
        assertThat(m.find()).isTrue();
        String hash = m.group(1);

        assertThat(run("--env", "production", "--approved-plan", "0".repeat(64))).isEqualTo(MmDeploy.FAILED);
        assertThat(err).contains("Error: The plan file is not the approved plan");
        assertThat(fake.calls()).noneMatch(c -> c.contains("applied: "));

        assertThat(run("--env", "production", "--approved-plan", hash)).as(err).isZero();
        assertThat(out).contains("Applied plan sha256 " + hash);
        assertThat(fake.calls()).filteredOn(c -> c.contains("| plan ")).hasSize(1);
    }

    @Test
    void planOnlyAndAutoApproveAndTheGatewayGate() throws Exception {
        assertThat(run("--env", "staging", "--plan-only", "-o", "json")).as(err).isZero();
        assertThat(out).contains("\"planHash\"", "Plan saved, not applied.");
        assertThat(fake.calls()).noneMatch(c -> c.contains("applied: "));

        assertThat(run("--env", "production", "--target", "google_cloud_run_v2_service.gateway")).as(err).isZero();
        assertThat(out).contains("requires approval before the gateway phase", "--target google_cloud_run_v2_service.gateway --approved-plan ");

        assertThat(run("--env", "production", "--auto-approve")).as(err).isZero();
        assertThat(fake.calls()).anyMatch(c -> c.contains("applied: "));
    }

    @Test
    void anApplyHoldsTheEnvironmentsLeaseAndWaitsForNoOtherRun() throws Exception {
        try (GoogleClients clients = cloud.clients("mindmirror-staging", Duration.ofMinutes(1))) {
            Lease other = EnvironmentLease.of(repoConfig().environment("staging"), new LocalWorkspace(repo.root()), clients.storage(),
                    Clock.systemUTC(), Sleeper.real(), new CapturedLog().stage(EnvironmentLease.STAGE)).orElseThrow()
                    .acquire("jenkins:deploy/staging#12", "20261202-050000-abc1234", Duration.ZERO, false);

            assertThat(run("--env", "staging", "--lease-wait", "0")).isEqualTo(MmDeploy.FAILED);
            assertThat(err).contains("staging is being changed by another run: jenkins:deploy/staging#12");
            assertThat(fake.calls()).noneMatch(c -> c.contains("applied: "));
            // A plan changes nothing and takes no lease.
            assertThat(run("--env", "staging", "--plan-only")).as(err).isZero();

            other.close();
        }
        assertThat(run("--env", "staging")).as(err).isZero();
        assertThat(fake.calls()).anyMatch(c -> c.contains("applied: "));
        assertThat(err).contains("Lease of staging released");
        assertThat(cloud.storage.objects()).isEmpty();
    }

    private io.mmdeploy.engine.config.DeployConfig repoConfig() {
        return new ConfigLoader(new LocalWorkspace(repo.root())).load(ExampleRepo.CONFIG).config();
    }

    @Test
    void wrongUsageIsReportedBeforeAnythingRuns() throws Exception {
        assertThat(run("--env", "staging", "--image", "nosuch=" + AGENT)).isEqualTo(2);
        assertThat(err).contains("no service or gateway is named \"nosuch\"");
        assertThat(run("--env", "staging", "--approved-plan", "a".repeat(64), "--image", "agent=" + AGENT)).isEqualTo(2);
        assertThat(run("--env", "staging", "--lock-timeout", "soon")).isEqualTo(2);
        assertThat(err).contains("is not a duration");
        assertThat(run("--env", "staging", "--image", "agent=registry/agent:latest")).isEqualTo(MmDeploy.FAILED);
        assertThat(err).contains("Image reference is not by digest");
        assertThat(fake.calls()).isEmpty();
    }
}
