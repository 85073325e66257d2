package io.mmdeploy.engine.onboard;

import static io.mmdeploy.engine.onboard.OnboardCloud.BUCKET;
import static io.mmdeploy.engine.onboard.OnboardCloud.PROJECT;
import static io.mmdeploy.engine.onboard.OnboardCloud.REPOSITORY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import com.google.cloud.resourcemanager.v3.ProjectsGrpc;
import io.grpc.Status;
import io.mmdeploy.engine.diagnostics.DeployException;
import io.mmdeploy.engine.onboard.PermissionReport.Missing;
import io.mmdeploy.engine.onboard.RequiredAccess.Scope;
import org.junit.jupiter.api.Test;

/** The permission check over the real clients and the fakes' testIamPermissions. */
class PermissionCheckTest extends OnboardTest {

    PermissionReport check() throws Exception {
        return new PermissionCheck(world.workspace).check(world.staging, clients);
    }

    @Test
    void withEverySecretAndResourceInPlaceAndEveryPermissionHeldTheReportIsComplete() throws Exception {
        world.ready();
        world.cloud.secretManager.put(PROJECT, "service-urls-staging", "{}");
        world.cloud.secretManager.put(PROJECT, "mm-releases-staging", "{}");

        PermissionReport report = check();

        assertThat(report.missing()).isEmpty();
        assertThat(report.unverified()).isEmpty();
        report.requireComplete();
    }

    @Test
    void aPermissionWithheldOnTheProjectIsNamedWithItsRole() throws Exception {
        world.ready();
        world.cloud.iam.withhold("projects/" + PROJECT, "run.jobs.run");

        PermissionReport report = check();

        assertThat(report.missing()).extracting(m -> m.permission().name(), Missing::resource, m -> m.permission().role())
                .containsExactly(tuple("run.jobs.run", "projects/" + PROJECT, "roles/run.admin"));
        assertThatThrownBy(report::requireComplete).isInstanceOf(DeployException.class).hasMessageContaining("run.jobs.run")
                .hasMessageContaining("roles/run.admin");
        assertThatThrownBy(() -> new PermissionCheck(world.workspace).require(world.staging, clients))
                .isInstanceOf(DeployException.class).hasMessageContaining("lack 1 permission(s)").hasMessageContaining("Nothing was changed");
    }

    @Test
    void eachResourceIsAskedWhereItIsUsed() throws Exception {
        world.ready();
        world.cloud.secretManager.put(PROJECT, "service-urls-staging", "{}");
        world.cloud.iam.withhold(REPOSITORY, "artifactregistry.tags.update")
                .withhold("b/" + BUCKET, "storage.objects.delete")
                .withhold("projects/" + PROJECT + "/secrets/service-urls-staging", "secretmanager.versions.add");

        PermissionReport report = check();

        assertThat(report.missing()).extracting(m -> m.askedOn() + " " + m.resource() + " " + m.permission().name() + " " + m.permission().role())
                .containsExactly(
                        "REPOSITORY " + REPOSITORY + " artifactregistry.tags.update roles/artifactregistry.writer",
                        "STATE_BUCKET " + BUCKET + " storage.objects.delete roles/storage.objectAdmin",
                        "SECRET projects/" + PROJECT + "/secrets/service-urls-staging secretmanager.versions.add roles/secretmanager.admin");
    }

    @Test
    void aResourceThatDoesNotExistYetIsAskedAboutOnTheProject() throws Exception {
        // Nothing exists: the repository's, bucket's and secrets' permissions are the project's (a grant there reaches them).
        world.cloud.iam.withhold("artifactregistry.repositories.uploadArtifacts");

        PermissionReport report = check();

        assertThat(report.missing()).singleElement().satisfies(m -> {
            assertThat(m.askedOn()).isEqualTo(Scope.PROJECT);
            assertThat(m.resource()).isEqualTo("projects/" + PROJECT);
            assertThat(m.permission().role()).isEqualTo("roles/artifactregistry.writer");
        });
    }

    @Test
    void aCheckThatCannotBeAskedFailsClosed() throws Exception {
        world.ready();
        world.cloud.faults.failAlways(ProjectsGrpc.getTestIamPermissionsMethod(),
                Status.PERMISSION_DENIED.withDescription("Cloud Resource Manager API has not been used in project mindmirror-staging"));

        PermissionReport report = check();

        assertThat(report.unverified()).singleElement().satisfies(u -> {
            assertThat(u.resource()).isEqualTo("projects/" + PROJECT);
            assertThat(u.reason()).contains("PERMISSION_DENIED", "Cloud Resource Manager API");
        });
        assertThatThrownBy(report::requireComplete).isInstanceOf(DeployException.class).hasMessageContaining("could not be checked");
    }
}
