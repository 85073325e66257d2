package io.mmdeploy.engine.credentials;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mmdeploy.engine.config.ApprovalPolicy;
import io.mmdeploy.engine.config.EnvironmentSpec;
import io.mmdeploy.engine.config.RegistryPath;
import io.mmdeploy.engine.config.TagScheme;
import io.mmdeploy.engine.config.TofuSpec;
import io.mmdeploy.engine.diagnostics.DeployException;
import java.util.List;
import org.junit.jupiter.api.Test;

class CredentialScopeTest {
    static final EnvironmentSpec PRODUCTION = new EnvironmentSpec("production", "main", "mindmirror-prod", "555000111222",
            "europe-west1", RegistryPath.parse("europe-west1-docker.pkg.dev/mindmirror-prod/mm").orElseThrow(), "gcp-prod",
            new TofuSpec("infra", List.of("infra/production.tfvars"), null), "service-urls-production", "",
            TagScheme.defaults(), ApprovalPolicy.none());

    @Test
    void serviceAccountOfTheEnvironmentsProjectPasses() {
        assertThatCode(() -> CredentialScope.check(PRODUCTION, "gcp-prod", "deployer@mindmirror-prod.iam.gserviceaccount.com", "mindmirror-prod"))
                .doesNotThrowAnyException();
        assertThatCode(() -> CredentialScope.check(PRODUCTION, "gce", "555000111222-compute@developer.gserviceaccount.com", null))
                .doesNotThrowAnyException();
        assertThatCode(() -> CredentialScope.check(PRODUCTION, "gae", "mindmirror-prod@appspot.gserviceaccount.com", ""))
                .doesNotThrowAnyException();
    }

    @Test
    void stagingServiceAccountIsRefusedForProduction() {
        assertThatThrownBy(() -> CredentialScope.check(PRODUCTION, "gcp-staging", "deployer@mindmirror-staging.iam.gserviceaccount.com", null))
                .isInstanceOf(DeployException.class)
                .hasMessageContaining("Credential \"gcp-staging\" does not belong to environment production")
                .hasMessageContaining("project mindmirror-staging")
                .hasMessageContaining("environments.production.credentialsId");
    }

    @Test
    void credentialNamingAnotherProjectIsRefusedEvenWithAMatchingEmail() {
        assertThatThrownBy(() -> CredentialScope.check(PRODUCTION, "mixed", "deployer@mindmirror-prod.iam.gserviceaccount.com", "mindmirror-staging"))
                .isInstanceOf(DeployException.class)
                .hasMessageContaining("names project mindmirror-staging");
    }

    @Test
    void defaultComputeAccountOfAnotherProjectNumberIsRefused() {
        assertThatThrownBy(() -> CredentialScope.check(PRODUCTION, "gce", "999-compute@developer.gserviceaccount.com", null))
                .isInstanceOf(DeployException.class)
                .hasMessageContaining("project number 999");
    }

    @Test
    void identityOfUnknownShapeIsRefusedRatherThanTrusted() {
        assertThatThrownBy(() -> CredentialScope.check(PRODUCTION, "me", "alice@example.com", null))
                .isInstanceOf(DeployException.class)
                .hasMessageContaining("Cannot tell which project credential \"me\" belongs to");
        assertThatThrownBy(() -> CredentialScope.check(PRODUCTION, "none", null, null))
                .isInstanceOf(DeployException.class);
    }
}
