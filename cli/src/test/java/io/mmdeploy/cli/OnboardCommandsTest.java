package io.mmdeploy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mmdeploy.engine.gcp.fake.FakeGoogleCloud;
import io.mmdeploy.engine.testing.ExampleRepo;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** init, doctor and bootstrap from the terminal: the example repository, real clients, in-process fakes. */
class OnboardCommandsTest {
    static final String PROJECT = "mindmirror-staging";
    static final String BUCKET = "mindmirror-staging-tfstate";

    @TempDir
    Path dir;

    ExampleRepo repo;
    FakeGoogleCloud cloud;

    record Run(int exit, String out, String err) {}

    @BeforeEach
    void start() throws Exception {
        repo = ExampleRepo.copyInto(dir.resolve("mindmirror"));
        cloud = FakeGoogleCloud.start();
    }

    @AfterEach
    void stop() {
        cloud.close();
    }

    Run cloudRun(CloudCommand command, String... args) {
        command.connector = (env, wait) -> cloud.clients(env.projectId(), wait);
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--env", "staging", "--config", repo.config().toString()));
        return run(command, all.toArray(String[]::new));
    }

    static Run run(Object command, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(command);
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        MmDeploy.reporting(cli);
        return new Run(cli.execute(args), out.toString(), err.toString());
    }

    @Test
    void doctorThenBootstrapDryRunThenApplyThenDoctorIsReady() throws Exception {
        Run doctor = cloudRun(new DoctorCommand());
        assertThat(doctor.exit()).as(doctor.err()).isEqualTo(MmDeploy.FAILED);
        assertThat(doctor.out()).contains("MISSING api          run.googleapis.com: disabled",
                "MISSING repository   us-east4-docker.pkg.dev/mindmirror-staging/mindmirror: does not exist",
                "MISSING state-bucket gs://" + BUCKET, "(3 change(s)); --apply creates it.",
                "fix: mmdeploy bootstrap --env staging --apply, or: gcloud services enable run.googleapis.com --project=mindmirror-staging");

        Run dry = cloudRun(new BootstrapCommand());
        assertThat(dry.exit()).as(dry.err()).isZero();
        assertThat(dry.out()).contains("Would create in mindmirror-staging", "Dry run: nothing was changed");
        assertThat(cloud.serviceUsage.enabled(PROJECT)).isEmpty();
        assertThat(cloud.artifactRegistry.repositories()).isEmpty();
        assertThat(cloud.storage.bucketProjects()).isEmpty();

        Run apply = cloudRun(new BootstrapCommand(), "--apply");
        assertThat(apply.exit()).as(apply.err()).isZero();
        assertThat(apply.out()).contains("Created 3 of 3.");
        assertThat(apply.err()).contains("[bootstrap] Done: create the Docker repository");
        assertThat(cloud.serviceUsage.projects()).containsExactly(PROJECT);
        assertThat(cloud.storage.bucketProjects()).containsExactly(Map.entry(BUCKET, PROJECT));

        Run again = cloudRun(new DoctorCommand(), "-o", "json");
        assertThat(again.exit()).as(again.out()).isZero();
        JsonNode report = new ObjectMapper().readTree(again.out());
        assertThat(report.path("checks").findValuesAsText("status")).containsOnly("OK");
    }

    @Test
    void doctorNamesEachMissingPermissionAndItsRoleAndBootstrapPrintsTheGrant() {
        cloud.iam.withhold("cloudbuild.builds.create");

        Run doctor = cloudRun(new DoctorCommand());

        assertThat(doctor.out()).contains("FAILED  permission   cloudbuild.builds.create: not held on projects/mindmirror-staging",
                "fix: grant roles/cloudbuild.builds.editor on projects/mindmirror-staging");
        Run dry = cloudRun(new BootstrapCommand(), "--deployer", "deployer@mindmirror-staging.iam.gserviceaccount.com");
        assertThat(dry.out()).contains("gcloud projects add-iam-policy-binding mindmirror-staging"
                + " --member=serviceAccount:deployer@mindmirror-staging.iam.gserviceaccount.com --role=roles/cloudbuild.builds.editor");
    }

    @Test
    void initProposesPrintsAndWritesOnlyWithWriteAndNeverOverwrites() throws Exception {
        Files.delete(repo.config());
        Path root = repo.root();

        Run proposal = run(new InitCommand(), "--dir", root.toString());
        assertThat(proposal.exit()).as(proposal.err()).isZero();
        assertThat(proposal.out()).contains("app: mindmirror", "- name: agent", "tofuTarget: google_cloud_run_v2_service.gateway");
        assertThat(proposal.err()).contains("nothing written", "2 question(s) to answer");
        assertThat(repo.config()).doesNotExist();

        Run written = run(new InitCommand(), "--dir", root.toString(), "--write");
        assertThat(written.exit()).as(written.err()).isZero();
        assertThat(Files.readString(repo.config())).isEqualTo(proposal.out());

        Run unanswered = run(new ValidateCommand(), "--config", repo.config().toString());
        assertThat(unanswered.exit()).isEqualTo(MmDeploy.FAILED);
        assertThat(unanswered.err()).contains("environments.production.branch", "environments.staging.branch");

        Files.writeString(repo.config(), Files.readString(repo.config()).replaceFirst("branch: \"\\?\"", "branch: main")
                .replaceFirst("branch: \"\\?\"", "branch: staging"));
        String answered = Files.readString(repo.config());
        Run refused = run(new InitCommand(), "--dir", root.toString(), "--write");
        assertThat(refused.exit()).isEqualTo(MmDeploy.FAILED);
        assertThat(refused.err()).contains("mm-deploy.yaml exists", "never overwrites");
        assertThat(Files.readString(repo.config())).isEqualTo(answered);

        Run valid = run(new ValidateCommand(), "--config", repo.config().toString());
        assertThat(valid.exit()).as(valid.err()).isZero();
        assertThat(valid.out()).contains("is valid: app mindmirror, 8 services, gateway mesh, 2 migration job(s), environments production, staging");
        assertThat(Set.of(proposal.err(), refused.err())).noneMatch(s -> s.contains("\tat "));
    }
}
