package io.jenkins.plugins.mmdeploy.credentials;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.api.client.http.javanet.NetHttpTransport;
import io.mmdeploy.engine.config.ApprovalPolicy;
import io.mmdeploy.engine.config.EnvironmentSpec;
import io.mmdeploy.engine.config.RegistryPath;
import io.mmdeploy.engine.config.TagScheme;
import io.mmdeploy.engine.config.TofuSpec;
import io.mmdeploy.engine.diagnostics.DeployException;
import java.util.List;
import org.junit.jupiter.api.Test;

class CredentialsPolicyTest {
    private static EnvironmentSpec staging(String credentialsId) {
        return new EnvironmentSpec("staging", "main", "mindmirror-69", "3858903851", "us-east4",
                RegistryPath.parse("us-east4-docker.pkg.dev/mindmirror-69/mindmirror").orElseThrow(), credentialsId,
                new TofuSpec("infra", List.of("infra/staging.tfvars"), null), "service-urls-staging", "", TagScheme.defaults(), ApprovalPolicy.none());
    }

    @Test
    void anEnvironmentWithoutACredentialIsRefusedUnlessAnAdministratorAllowsTheControllersIdentity() {
        for (String none : new String[] {null, "", "  "}) {
            assertThatThrownBy(() -> CredentialsPolicy.requireCredentialOrAllowed(staging(none), false))
                    .isInstanceOf(DeployException.class)
                    .hasMessageContaining("No credentialsId for staging")
                    .hasMessageContaining("environments.staging.credentialsId")
                    .hasMessageContaining("Manage Jenkins › System › mm-deploy");
            assertThatCode(() -> CredentialsPolicy.requireCredentialOrAllowed(staging(none), true)).doesNotThrowAnyException();
        }
        assertThatCode(() -> CredentialsPolicy.requireCredentialOrAllowed(staging("gcp-staging"), false)).doesNotThrowAnyException();
    }

    @Test
    void theBridgeRefusesBeforeItLooksForAnyIdentity() {
        // No Jenkins, no run, no ADC on this machine needed: the refusal comes first.
        assertThatThrownBy(() -> GoogleCredentialsBridge.forEnvironment(staging(null), null, false, NetHttpTransport::new))
                .isInstanceOf(DeployException.class)
                .hasMessageContaining("No credentialsId for staging");
    }

    @Test
    void theLookupRequiresTheCloudPlatformScope() {
        assertThat(new GoogleCredentialsBridge.CloudPlatformScope().getScopes())
                .containsExactly("https://www.googleapis.com/auth/cloud-platform");
    }
}
