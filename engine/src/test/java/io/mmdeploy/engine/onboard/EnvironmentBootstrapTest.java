package io.mmdeploy.engine.onboard;

import static io.mmdeploy.engine.onboard.OnboardCloud.BUCKET;
import static io.mmdeploy.engine.onboard.OnboardCloud.OTHER_PROJECT;
import static io.mmdeploy.engine.onboard.OnboardCloud.PROJECT;
import static io.mmdeploy.engine.onboard.OnboardCloud.REPOSITORY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.devtools.artifactregistry.v1.Repository;
import io.mmdeploy.engine.diagnostics.DeployException;
import io.mmdeploy.engine.gcp.fake.CapturedLog;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class EnvironmentBootstrapTest extends OnboardTest {
    final CapturedLog log = new CapturedLog();

    EnvironmentBootstrap bootstrap() {
        return new EnvironmentBootstrap(world.workspace, log.stage(EnvironmentBootstrap.STAGE));
    }

    DoctorReport doctor() throws InterruptedException {
        return new EnvironmentDoctor(world.workspace).examine(world.staging, clients);
    }

    /** What a test can see of both projects: APIs, repositories, buckets with their settings. */
    record Snapshot(Set<String> stagingApis, Set<String> otherApis, Map<String, Repository> repositories, Map<String, String> buckets, String settings) {}

    Snapshot snapshot() {
        return new Snapshot(world.cloud.serviceUsage.enabled(PROJECT), world.cloud.serviceUsage.enabled(OTHER_PROJECT),
                world.cloud.artifactRegistry.repositories(), world.cloud.storage.bucketProjects(),
                world.cloud.storage.bucketSettings("mindmirror-69-tfstate").toString());
    }

    @Test
    void theDryRunPlansWhatDoctorFoundAndChangesNothing() throws Exception {
        Snapshot before = snapshot();
        DoctorReport report = doctor();

        BootstrapPlan plan = bootstrap().plan(world.staging, report, null);

        assertThat(plan.changes()).isEqualTo(report.remedies()).hasSize(3);
        assertThat(plan.text(false)).contains("Would create in mindmirror-staging", "Dry run: nothing was changed");
        assertThat(snapshot()).isEqualTo(before);
        assertThat(world.cloud.storage.requests()).noneMatch(r -> r.startsWith("POST"));
    }

    @Test
    void applyCreatesExactlyWhatDoctorReportedOnlyInItsOwnProject() throws Exception {
        Snapshot before = snapshot();
        BootstrapPlan plan = bootstrap().plan(world.staging, doctor(), null);

        List<String> done = bootstrap().apply(world.staging, plan, clients);

        assertThat(done).isEqualTo(plan.changes().stream().map(Remedy::describe).toList());
        assertThat(world.cloud.serviceUsage.enabled(PROJECT))
                .containsExactlyInAnyOrderElementsOf(RequiredAccess.APIS.stream().map(RequiredAccess.Api::service).toList());
        Repository repository = world.cloud.artifactRegistry.repositories().get(REPOSITORY);
        assertThat(repository.getFormat()).isEqualTo(Repository.Format.DOCKER);
        assertThat(repository.getLabelsMap()).containsEntry("mm-deploy-environment", "staging");
        assertThat(world.cloud.storage.bucketProjects()).containsEntry(BUCKET, PROJECT);
        assertThat(world.cloud.storage.bucketSettings(BUCKET).path("versioning").path("enabled").asBoolean()).isTrue();
        assertThat(world.cloud.storage.bucketSettings(BUCKET).path("labels").path("mm-deploy-environment").asText()).isEqualTo("staging");
        // Exactly these three things are new; production's project is as it was.
        assertThat(world.cloud.artifactRegistry.repositories().keySet()).containsExactlyInAnyOrderElementsOf(
                union(before.repositories().keySet(), REPOSITORY));
        assertThat(world.cloud.storage.bucketProjects().keySet()).containsExactlyInAnyOrderElementsOf(union(before.buckets().keySet(), BUCKET));
        assertThat(world.cloud.serviceUsage.enabled(OTHER_PROJECT)).isEqualTo(before.otherApis());
        assertThat(world.cloud.storage.bucketSettings("mindmirror-69-tfstate").toString()).isEqualTo(before.settings());
        assertThat(log.text()).contains("[bootstrap] Done: create the state bucket gs://" + BUCKET);

        assertThat(doctor().ready()).as("doctor after bootstrap").isTrue();
        assertThat(bootstrap().plan(world.staging, doctor(), null).changes()).isEmpty();
    }

    @Test
    void credentialsThatCannotCreateAreRefusedBeforeAnyChange() throws Exception {
        world.cloud.iam.withhold("storage.buckets.create");
        Snapshot before = snapshot();
        BootstrapPlan plan = bootstrap().plan(world.staging, doctor(), null);

        assertThatThrownBy(() -> bootstrap().apply(world.staging, plan, clients)).isInstanceOf(DeployException.class)
                .hasMessageContaining("cannot bootstrap staging").hasMessageContaining("storage.buckets.create")
                .hasMessageContaining("roles/storage.admin").hasMessageContaining("Nothing was changed");
        assertThat(snapshot()).isEqualTo(before);
    }

    @Test
    void aChangeInAnotherProjectIsRefusedBeforeAnyChange() throws Exception {
        Snapshot before = snapshot();
        BootstrapPlan plan = new BootstrapPlan("staging", PROJECT, List.of(
                new Remedy.EnableApis(PROJECT, List.of("run.googleapis.com")),
                new Remedy.CreateBucket(OTHER_PROJECT, "elsewhere", "us-east4", Map.of())), List.of());

        assertThatThrownBy(() -> bootstrap().apply(world.staging, plan, clients)).isInstanceOf(DeployException.class)
                .hasMessageContaining("Refusing to change project " + OTHER_PROJECT).hasMessageContaining("Nothing was changed");
        assertThat(snapshot()).isEqualTo(before);
    }

    @Test
    void whatMmDeployMustNotDoBecomesGcloudCommandsForAnAdministrator() throws Exception {
        world.ready();
        world.cloud.storage.addBucket(BUCKET, OnboardCloud.NUMBER, false);
        world.cloud.iam.withhold("run.jobs.run").withhold(REPOSITORY, "artifactregistry.tags.update");

        BootstrapPlan plan = bootstrap().plan(world.staging, doctor(), null);

        assertThat(plan.changes()).isEmpty();
        assertThat(plan.adminCommands()).containsExactly(
                "gcloud iam service-accounts create mm-deploy-staging --project=mindmirror-staging"
                        + " --display-name=\"mm-deploy deployer (staging)\"   # if the deployer has no service account yet",
                "gcloud projects add-iam-policy-binding mindmirror-staging"
                        + " --member=serviceAccount:mm-deploy-staging@mindmirror-staging.iam.gserviceaccount.com --role=roles/run.admin",
                "gcloud artifacts repositories add-iam-policy-binding mindmirror --location=us-east4 --project=mindmirror-staging"
                        + " --member=serviceAccount:mm-deploy-staging@mindmirror-staging.iam.gserviceaccount.com --role=roles/artifactregistry.writer",
                "gcloud storage buckets update gs://" + BUCKET + " --versioning");
        assertThat(bootstrap().plan(world.staging, doctor(), "ci@mindmirror-staging.iam.gserviceaccount.com").adminCommands())
                .noneMatch(c -> c.contains("service-accounts create"))
                .anyMatch(c -> c.contains("--member=serviceAccount:ci@mindmirror-staging.iam.gserviceaccount.com --role=roles/run.admin"));
    }

    static Set<String> union(Set<String> a, String b) {
        Set<String> out = new HashSet<>(a);
        out.add(b);
        return out;
    }
}
