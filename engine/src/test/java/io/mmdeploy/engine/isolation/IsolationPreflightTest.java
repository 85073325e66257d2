package io.mmdeploy.engine.isolation;

import static org.assertj.core.api.Assertions.assertThat;

import io.mmdeploy.engine.config.ConfigLoader;
import io.mmdeploy.engine.port.local.LocalWorkspace;
import io.mmdeploy.engine.testing.ExampleRepo;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class IsolationPreflightTest {
    private static final String Y = ExampleRepo.CONFIG;
    private static final String STAGING_VARS = "infra/environments/staging.auto.tfvars";
    private static final String STAGING_BACKEND = "infra/environments/staging.backend.hcl";
    private static final String STAGING_REGISTRY = "registry: us-east4-docker.pkg.dev/mindmirror-staging/mindmirror";

    @TempDir
    Path dir;

    private List<IsolationViolation> check(ExampleRepo repo) {
        LocalWorkspace ws = new LocalWorkspace(repo.root());
        return new IsolationPreflight(ws).check(new ConfigLoader(ws).load(Y).config());
    }

    @Test
    void theBundledExampleIsIsolated() {
        assertThat(check(ExampleRepo.copyInto(dir))).isEmpty();
    }

    /** A run keeps one preflight and asks it before every change: what it found isolated once must not hide a later edit. */
    @Test
    void aFileChangedSinceTheLastCheckIsCheckedAgain() {
        ExampleRepo repo = ExampleRepo.copyInto(dir);
        LocalWorkspace ws = new LocalWorkspace(repo.root());
        IsolationPreflight preflight = new IsolationPreflight(ws);
        var config = new ConfigLoader(ws).load(Y).config();
        assertThat(preflight.check(config)).isEmpty();
        assertThat(preflight.check(config)).isEmpty();

        repo.write(STAGING_BACKEND, "bucket = \"mindmirror-69-tfstate\"\nprefix = \"mindmirror/staging\"\n");
        assertThat(preflight.check(config)).extracting(IsolationViolation::rule).contains("shared-state");

        repo.write(STAGING_BACKEND, "bucket = \"mindmirror-staging-tfstate\"\nprefix = \"mindmirror/staging\"\n");
        assertThat(preflight.check(config)).isEmpty();
    }

    private static Arguments violation(String name, Consumer<ExampleRepo> breakIt, String rule, String environment, String other, String value) {
        return Arguments.of(name, breakIt, rule, environment, other, value);
    }

    static Stream<Arguments> violations() {
        return Stream.of(
                violation("seed 002: staging images pushed into production's project",
                        r -> r.replace(Y, STAGING_REGISTRY, "registry: us-east4-docker.pkg.dev/mindmirror-69/mindmirror"),
                        "foreign-registry", "staging", "production", "us-east4-docker.pkg.dev/mindmirror-69/mindmirror"),
                violation("seed 000 \"or use same project\": staging in production's project",
                        r -> r.replace(Y, "id: mindmirror-staging", "id: mindmirror-69"),
                        "shared-project", "staging", "production", "mindmirror-69"),
                violation("one registry for both",
                        r -> r.replace(Y, "registry: us-east4-docker.pkg.dev/mindmirror-69/mindmirror", "registry: us-east4-docker.pkg.dev/mindmirror-staging/mindmirror"),
                        "shared-registry", "staging", "production", "us-east4-docker.pkg.dev/mindmirror-staging/mindmirror"),
                violation("one Jenkins credential for both",
                        r -> r.replace(Y, "credentialsId: gcp-production-deployer", "credentialsId: gcp-staging-deployer"),
                        "shared-credentials", "staging", "production", "gcp-staging-deployer"),
                violation("one URLs secret in one project",
                        r -> r.replace(Y, "id: mindmirror-staging", "id: mindmirror-69")
                                .replace(Y, "serviceUrlsSecret: service-urls-production", "serviceUrlsSecret: service-urls-staging"),
                        "shared-secret", "staging", "production", "service-urls-staging"),
                violation("one state bucket and prefix",
                        r -> r.write(STAGING_BACKEND, "bucket = \"mindmirror-69-tfstate\"\nprefix = \"mindmirror/production\"\n"),
                        "shared-state", "staging", "production", "gs://mindmirror-69-tfstate"),
                // One resource at any granularity: a distinct prefix or path inside it is still sharing.
                violation("one state bucket, another prefix",
                        r -> r.write(STAGING_BACKEND, "bucket = \"mindmirror-69-tfstate\"\nprefix = \"mindmirror/staging\"\n"),
                        "shared-state", "staging", "production", "gs://mindmirror-69-tfstate"),
                violation("one local state file, spelt two ways",
                        r -> r.write(STAGING_BACKEND, "path = \"state/mindmirror.tfstate\"\n")
                                .write("infra/environments/production.backend.hcl", "path = \"./state/mindmirror.tfstate\"\n"),
                        "shared-state", "staging", "production", "infra/state/mindmirror.tfstate"),
                violation("staging images under another path of production's repository",
                        r -> r.replace(STAGING_VARS, "mindmirror-staging/mindmirror/meals-service:initial", "mindmirror-69/mindmirror/staging/meals-service:initial"),
                        "shared-registry", "staging", "production", "us-east4-docker.pkg.dev/mindmirror-69/mindmirror"),
                violation("both environments' images in one outside repository, under different paths",
                        r -> r.replace(STAGING_VARS, "mindmirror-staging/mindmirror/meals-service:initial", "shared-images-1/base/staging/meals-service:initial")
                                .replace("infra/environments/production.auto.tfvars", "mindmirror-69/mindmirror/meals-service:initial",
                                        "shared-images-1/base/production/meals-service:initial"),
                        "shared-registry", "staging", "production", "us-east4-docker.pkg.dev/shared-images-1/base"),
                violation("a staging image from production's Container Registry",
                        r -> r.replace(STAGING_VARS, "\"us-east4-docker.pkg.dev/mindmirror-staging/mindmirror/meals-service:initial\"",
                                "\"gcr.io/mindmirror-69/meals-service:initial\""),
                        "foreign-image", "staging", "production", "gcr.io/mindmirror-69/meals-service:initial"),
                violation("a staging image from production's repository, the host in capitals",
                        r -> r.replace(STAGING_VARS, "us-east4-docker.pkg.dev/mindmirror-staging/mindmirror/meals-service:initial",
                                "US-EAST4-DOCKER.PKG.DEV/mindmirror-69/mindmirror/meals-service:initial"),
                        "foreign-image", "staging", "production", "US-EAST4-DOCKER.PKG.DEV/mindmirror-69/mindmirror/meals-service:initial"),
                violation("one var file, spelt two ways",
                        r -> r.replace(Y, "varFiles: [infra/environments/production.auto.tfvars]", "varFiles: [infra/./environments/staging.auto.tfvars]"),
                        "shared-var-file", "staging", "production", "infra/environments/staging.auto.tfvars"),
                violation("one var file",
                        r -> r.replace(Y, "varFiles: [infra/environments/staging.auto.tfvars]", "varFiles: [infra/environments/production.auto.tfvars]"),
                        "shared-var-file", "staging", "production", "infra/environments/production.auto.tfvars"),
                violation("one branch",
                        r -> r.replace(Y, "branch: staging", "branch: main"),
                        "shared-branch", "staging", "production", "main"),
                violation("staging's tfvars project_id is production's",
                        r -> r.replace(STAGING_VARS, "project_id           = \"mindmirror-staging\"", "project_id           = \"mindmirror-69\""),
                        "foreign-tfvars-project", "staging", "production", "mindmirror-69"),
                violation("a staging image from production's registry",
                        r -> r.replace(STAGING_VARS, "mindmirror-staging/mindmirror/meals-service:initial", "mindmirror-69/mindmirror/meals-service:initial"),
                        "foreign-image", "staging", "production", "us-east4-docker.pkg.dev/mindmirror-69/mindmirror/meals-service:initial"),
                violation("a production image from staging's registry, by digest",
                        r -> r.replace("infra/environments/production.auto.tfvars", "mindmirror-69/mindmirror/users-service:initial",
                                "mindmirror-staging/mindmirror/users-service@sha256:" + "a".repeat(64)),
                        "foreign-image", "production", "staging", "us-east4-docker.pkg.dev/mindmirror-staging/mindmirror/users-service@sha256:" + "a".repeat(64)),
                violation("same project and no suffix: Cloud Run services collide",
                        r -> r.replace(Y, "id: mindmirror-staging", "id: mindmirror-69").replace(Y, "    serviceNameSuffix: -staging\n", ""),
                        "shared-cloud-run-name", "staging", "production", "agent-service"),
                violation("same project and no suffix: the gateway collides too",
                        r -> r.replace(Y, "id: mindmirror-staging", "id: mindmirror-69").replace(Y, "    serviceNameSuffix: -staging\n", ""),
                        "shared-cloud-run-name", "staging", "production", "mesh-gateway"),
                violation("same project and no suffix: migration jobs collide",
                        r -> r.replace(Y, "id: mindmirror-staging", "id: mindmirror-69").replace(Y, "    serviceNameSuffix: -staging\n", ""),
                        "shared-cloud-run-name", "staging", "production", "job migrate-main"),
                violation("seed 000's layout: both .auto.tfvars in infra/, auto-loaded into staging",
                        IsolationPreflightTest::seedLayout,
                        "auto-loaded-var-file", "staging", "production", "infra/production.auto.tfvars"),
                violation("seed 000's layout: both .auto.tfvars in infra/, auto-loaded into production",
                        IsolationPreflightTest::seedLayout,
                        "auto-loaded-var-file", "production", "staging", "infra/staging.auto.tfvars"),
                violation("copied project number",
                        r -> r.replace(Y, "number: \"3858903851\"", "number: \"1234567890\""),
                        "shared-project-number", "staging", "production", "1234567890"),
                violation("no backend for either: one local state file",
                        r -> r.replace(Y, "      backendConfig: infra/environments/staging.backend.hcl\n", "")
                                .replace(Y, "      backendConfig: infra/environments/production.backend.hcl\n", ""),
                        "shared-state", "staging", "production", "infra/terraform.tfstate"),
                violation("a third environment reusing staging's credentials",
                        IsolationPreflightTest::addQa,
                        "shared-credentials", "staging", "qa", "gcp-staging-deployer"),
                violation("a later var file overriding project_id",
                        r -> r.replace(Y, "varFiles: [infra/environments/staging.auto.tfvars]", "varFiles: [infra/environments/staging.auto.tfvars, infra/environments/staging-extra.tfvars]")
                                .write("infra/environments/staging-extra.tfvars", "# oops, copied from production\nproject_id = \"mindmirror-69\"\n"),
                        "foreign-tfvars-project", "staging", "production", "mindmirror-69"),
                violation("a registry in a project no environment owns",
                        r -> r.replace(Y, STAGING_REGISTRY, "registry: us-east4-docker.pkg.dev/shared-images-1/mindmirror"),
                        "foreign-registry", "staging", "another (project shared-images-1)", "us-east4-docker.pkg.dev/shared-images-1/mindmirror"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("violations")
    void refusesWhatTwoEnvironmentsShareNamingBoth(String name, Consumer<ExampleRepo> breakIt, String rule, String environment, String other, String value) {
        ExampleRepo repo = ExampleRepo.copyInto(dir);
        breakIt.accept(repo);
        List<IsolationViolation> found = check(repo);
        assertThat(found).as("violations for: " + name).anySatisfy(v -> {
            assertThat(v.rule()).isEqualTo(rule);
            assertThat(v.environment()).isEqualTo(environment);
            assertThat(v.other()).isEqualTo(other);
            assertThat(v.value()).isEqualTo(value);
            String text = v.summary() + "\n" + v.detail();
            assertThat(text).contains(environment).contains(value);
            if (!other.startsWith("another")) {
                assertThat(text).contains(other);
            }
            if (rule.startsWith("shared-") && !rule.equals("shared-cloud-run-name")) {
                // Both sides' config fields, and what to do about it.
                assertThat(text).contains("environments." + environment + ".").contains("environments." + other + ".").containsPattern("Give |Create |Set ");
            }
            assertThat(v.toDiagnostic().render()).startsWith("Error: " + v.summary());
        });
    }

    @Test
    void aSharedBucketTellsWhichEnvironmentToMoveAndWhy() {
        ExampleRepo repo = ExampleRepo.copyInto(dir)
                .write(STAGING_BACKEND, "bucket = \"mindmirror-69-tfstate\"\nprefix = \"mindmirror/staging\"\n");
        assertThat(check(repo)).filteredOn(v -> v.rule().equals("shared-state")).singleElement().satisfies(v -> {
            assertThat(v.summary()).isEqualTo("staging and production share the OpenTofu state bucket gs://mindmirror-69-tfstate");
            assertThat(v.detail())
                    .contains("environments.staging.tofu.backendConfig (infra/environments/staging.backend.hcl) sets bucket = \"mindmirror-69-tfstate\" (prefix \"mindmirror/staging\")")
                    .contains("environments.production.tofu.backendConfig (infra/environments/production.backend.hcl) sets bucket = \"mindmirror-69-tfstate\"")
                    .contains("A separate prefix is not isolation")
                    .endsWith("Give staging its own bucket in its own project (e.g. mindmirror-staging-tfstate).");
        });
    }

    @Test
    void aRepositoryUsedUnderAnotherPathNamesBothUsesAndTheFix() {
        ExampleRepo repo = ExampleRepo.copyInto(dir)
                .replace(STAGING_VARS, "mindmirror-staging/mindmirror/meals-service:initial", "mindmirror-69/mindmirror/staging/meals-service:initial");
        assertThat(check(repo)).filteredOn(v -> v.rule().equals("shared-registry")).singleElement().satisfies(v -> {
            assertThat(v.detail())
                    .startsWith("environments.staging.tofu.varFiles (" + STAGING_VARS + ": meals_service_container_image = "
                            + "\"us-east4-docker.pkg.dev/mindmirror-69/mindmirror/staging/meals-service:initial\") and environments.production.registry are both in "
                            + "us-east4-docker.pkg.dev/mindmirror-69/mindmirror.")
                    .endsWith("Give staging its own repository in its own project (e.g. us-east4-docker.pkg.dev/mindmirror-staging/mindmirror).");
        });
    }

    @Test
    void theSameSecretIdInTwoProjectsIsTwoSecrets() {
        ExampleRepo repo = ExampleRepo.copyInto(dir).replace(Y, "serviceUrlsSecret: service-urls-production", "serviceUrlsSecret: service-urls-staging");
        assertThat(check(repo)).isEmpty();
    }

    @Test
    void aSyntaxErrorInAVarFileNamesTheFileAndLine() {
        ExampleRepo repo = ExampleRepo.copyInto(dir).write(STAGING_VARS, "project_id = \"mindmirror-staging\"\nregion = var.region\n");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> check(repo))
                .hasMessageContaining("Variables not allowed")
                .hasMessageContaining(STAGING_VARS + ":2:10");
    }

    private static void seedLayout(ExampleRepo r) {
        r.write("infra/staging.auto.tfvars", r.read(STAGING_VARS))
                .write("infra/production.auto.tfvars", r.read("infra/environments/production.auto.tfvars"))
                .replace(Y, "varFiles: [infra/environments/staging.auto.tfvars]", "varFiles: [infra/staging.auto.tfvars]")
                .replace(Y, "varFiles: [infra/environments/production.auto.tfvars]", "varFiles: [infra/production.auto.tfvars]");
    }

    private static void addQa(ExampleRepo r) {
        r.edit(Y, text -> text + """

                  qa:
                    branch: qa
                    project:
                      id: mindmirror-qa
                      number: "5550001111"
                    region: us-east4
                    registry: us-east4-docker.pkg.dev/mindmirror-qa/mindmirror
                    credentialsId: gcp-staging-deployer
                    tofu:
                      dir: infra
                      varFiles: [infra/environments/qa.tfvars]
                      backendConfig: infra/environments/qa.backend.hcl
                    serviceNameSuffix: -qa
                """)
                .write("infra/environments/qa.tfvars", "project_id = \"mindmirror-qa\"\n")
                .write("infra/environments/qa.backend.hcl", "bucket = \"mindmirror-qa-tfstate\"\nprefix = \"mindmirror/qa\"\n");
    }
}
