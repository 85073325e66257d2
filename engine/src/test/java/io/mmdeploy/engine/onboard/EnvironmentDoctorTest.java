package io.mmdeploy.engine.onboard;

import static io.mmdeploy.engine.onboard.OnboardCloud.BUCKET;
import static io.mmdeploy.engine.onboard.OnboardCloud.NUMBER;
import static io.mmdeploy.engine.onboard.OnboardCloud.PROJECT;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.api.serviceusage.v1.ServiceUsageGrpc;
import com.google.cloud.secretmanager.v1.SecretManagerServiceGrpc;
import com.google.devtools.artifactregistry.v1.ArtifactRegistryGrpc;
import com.google.devtools.artifactregistry.v1.Repository;
import io.mmdeploy.engine.onboard.DoctorReport.Check;
import io.mmdeploy.engine.onboard.DoctorReport.Status;
import org.junit.jupiter.api.Test;

class EnvironmentDoctorTest extends OnboardTest {

    DoctorReport examine() throws Exception {
        return new EnvironmentDoctor(world.workspace).examine(world.staging, clients);
    }

    static Check check(DoctorReport report, String area, String subject) {
        return report.checks().stream().filter(c -> c.area().equals(area) && c.subject().equals(subject)).findFirst().orElseThrow();
    }

    @Test
    void aReadyEnvironmentPassesEveryCheck() throws Exception {
        world.ready();

        DoctorReport report = examine();

        assertThat(report.ready()).as(report.text()).isTrue();
        assertThat(report.remedies()).isEmpty();
        assertThat(check(report, "secret", "projects/" + PROJECT + "/secrets/service-urls-staging").detail())
                .isEqualTo("creatable: the first deploy creates it");
        assertThat(report.text()).contains("Ready to deploy.");
    }

    @Test
    void anEmptyProjectReportsEachMissingPieceWithItsFixAndChangesNothing() throws Exception {
        DoctorReport report = examine();

        assertThat(report.ready()).isFalse();
        for (RequiredAccess.Api api : RequiredAccess.APIS) {
            assertThat(check(report, "api", api.service()).status()).isEqualTo(Status.MISSING);
        }
        Check repository = check(report, "repository", "us-east4-docker.pkg.dev/mindmirror-staging/mindmirror");
        assertThat(repository.status()).isEqualTo(Status.MISSING);
        assertThat(repository.fix()).contains("mmdeploy bootstrap --env staging --apply",
                "gcloud artifacts repositories create mindmirror --repository-format=docker --location=us-east4 --project=mindmirror-staging");
        assertThat(check(report, "state-bucket", "gs://" + BUCKET).status()).isEqualTo(Status.MISSING);
        assertThat(report.remedies()).extracting(Remedy::describe).containsExactly(
                "enable run.googleapis.com, artifactregistry.googleapis.com, cloudbuild.googleapis.com, secretmanager.googleapis.com,"
                        + " storage.googleapis.com, cloudresourcemanager.googleapis.com in mindmirror-staging",
                "create the Docker repository us-east4-docker.pkg.dev/mindmirror-staging/mindmirror",
                "create the state bucket gs://" + BUCKET + " in mindmirror-staging (us-east4, object versioning on, labels"
                        + " {managed-by=mm-deploy, mm-deploy-environment=staging})");

        // Read only: nothing was created, and no mutating call reached Google.
        assertThat(world.cloud.serviceUsage.enabled(PROJECT)).isEmpty();
        assertThat(world.cloud.artifactRegistry.repositories()).doesNotContainKey(OnboardCloud.REPOSITORY);
        assertThat(world.cloud.storage.bucketProjects()).doesNotContainKey(BUCKET);
        assertThat(world.cloud.faults.calls(ServiceUsageGrpc.getBatchEnableServicesMethod())).isZero();
        assertThat(world.cloud.faults.calls(ArtifactRegistryGrpc.getCreateRepositoryMethod())).isZero();
        assertThat(world.cloud.faults.calls(SecretManagerServiceGrpc.getCreateSecretMethod())).isZero();
        assertThat(world.cloud.storage.requests()).noneMatch(r -> r.startsWith("POST") || r.startsWith("PUT") || r.startsWith("DELETE")
                || r.startsWith("PATCH"));
    }

    @Test
    void aBucketWithoutVersioningOrAWrongRepositoryNeedsAPerson() throws Exception {
        world.ready();
        world.cloud.storage.addBucket(BUCKET, NUMBER, false);
        world.cloud.artifactRegistry.addRepository(PROJECT, "us-east4", "mindmirror", Repository.Format.MAVEN);

        DoctorReport report = examine();

        Check bucket = check(report, "state-bucket", "gs://" + BUCKET);
        assertThat(bucket.status()).isEqualTo(Status.FAILED);
        assertThat(bucket.detail()).contains("object versioning is off");
        assertThat(bucket.fix()).isEqualTo("gcloud storage buckets update gs://" + BUCKET + " --versioning");
        assertThat(check(report, "repository", "us-east4-docker.pkg.dev/mindmirror-staging/mindmirror").detail())
                .contains("format is MAVEN, not DOCKER");
        assertThat(report.remedies()).isEmpty();
    }

    @Test
    void aStateBucketOfAnotherProjectIsRefused() throws Exception {
        world.ready();
        world.cloud.storage.addBucket(BUCKET, "3858903851", true);

        Check bucket = check(examine(), "state-bucket", "gs://" + BUCKET);

        assertThat(bucket.status()).isEqualTo(Status.FAILED);
        assertThat(bucket.detail()).contains("belongs to project number 3858903851, not to mindmirror-staging");
    }

    @Test
    void eachMissingPermissionIsACheckNamingTheRole() throws Exception {
        world.ready();
        world.cloud.iam.withhold("iam.serviceAccounts.actAs").withhold("secretmanager.secrets.create");

        DoctorReport report = examine();

        assertThat(check(report, "permission", "iam.serviceAccounts.actAs").fix()).isEqualTo("grant roles/iam.serviceAccountUser on projects/" + PROJECT);
        assertThat(check(report, "permission", "secretmanager.secrets.create").fix()).isEqualTo("grant roles/secretmanager.admin on projects/" + PROJECT);
        Check urls = check(report, "secret", "projects/" + PROJECT + "/secrets/service-urls-staging");
        assertThat(urls.status()).isEqualTo(Status.FAILED);
        assertThat(urls.detail()).isEqualTo("does not exist and the credentials cannot create it");
        assertThat(report.text()).contains("FAILED  permission   iam.serviceAccounts.actAs");
    }
}
