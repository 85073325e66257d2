package io.mmdeploy.engine.onboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mmdeploy.engine.diagnostics.DeployException;
import io.mmdeploy.engine.onboard.PermissionReport.Missing;
import io.mmdeploy.engine.onboard.PermissionReport.Unverified;
import io.mmdeploy.engine.onboard.RequiredAccess.Permission;
import io.mmdeploy.engine.onboard.RequiredAccess.Scope;
import java.util.List;
import org.junit.jupiter.api.Test;

class PermissionReportTest {
    static Permission permission(String name) {
        return RequiredAccess.DEPLOYER.stream().filter(p -> p.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void aMissingPermissionIsNamedWithTheRoleThatGrantsItAndStopsThePreflight() {
        PermissionReport report = new PermissionReport("staging", "mindmirror-staging",
                List.of(new Missing(permission("run.jobs.run"), Scope.PROJECT, "projects/mindmirror-staging")), List.of());

        assertThat(report.complete()).isFalse();
        assertThat(report.text()).contains("run.jobs.run on projects/mindmirror-staging: grant roles/run.admin (run the migrations)");
        assertThat(report.grants()).containsExactly(new PermissionReport.Grant(Scope.PROJECT, "projects/mindmirror-staging", "roles/run.admin"));
        assertThatThrownBy(report::requireComplete).isInstanceOf(DeployException.class)
                .satisfies(e -> {
                    DeployException d = (DeployException) e;
                    assertThat(d.diagnostics().get(0).summary()).isEqualTo("The credentials of staging lack 1 permission(s) the deploy needs");
                    assertThat(d.diagnostics().get(0).detail()).contains("run.jobs.run", "roles/run.admin", "Nothing was changed");
                });
    }

    @Test
    void aPermissionThatCouldNotBeAskedAlsoStopsIt() {
        PermissionReport report = new PermissionReport("staging", "p", List.of(),
                List.of(new Unverified("projects/p", "PERMISSION_DENIED: Cloud Resource Manager API has not been used")));

        assertThat(report.complete()).isFalse();
        assertThatThrownBy(report::requireComplete).isInstanceOf(DeployException.class)
                .hasMessageContaining("could not be checked");
    }

    @Test
    void aCompleteReportLetsThePreflightPass() {
        PermissionReport report = new PermissionReport("staging", "p", List.of(), List.of());

        report.requireComplete();

        assertThat(report.grants()).isEmpty();
        assertThat(report.text()).contains("hold every permission");
    }

    @Test
    void everyDeployerPermissionHasARoleAndAReasonAndIsListedOnce() {
        assertThat(RequiredAccess.DEPLOYER).allSatisfy(p -> {
            assertThat(p.role()).startsWith("roles/");
            assertThat(p.usedFor()).isNotBlank();
        });
        assertThat(RequiredAccess.DEPLOYER.stream().map(p -> p.scope() + p.name()).distinct()).hasSameSizeAs(RequiredAccess.DEPLOYER);
    }
}
