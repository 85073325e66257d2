package io.mmdeploy.engine.init;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mmdeploy.engine.config.ConfigLoader;
import io.mmdeploy.engine.config.DeployConfig;
import io.mmdeploy.engine.config.EnvironmentSpec;
import io.mmdeploy.engine.config.GatewaySpec;
import io.mmdeploy.engine.config.ServiceSpec;
import io.mmdeploy.engine.diagnostics.DeployException;
import io.mmdeploy.engine.init.ConfigProposal.Question;
import io.mmdeploy.engine.port.local.LocalWorkspace;
import io.mmdeploy.engine.testing.ExampleRepo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigProposerTest {
    @TempDir
    Path dir;

    /** Replaces the {@code "?"} of each blocking question, in file order, with its answer. */
    static String answer(String yaml, String... answers) {
        String out = yaml;
        for (String a : answers) {
            int at = out.indexOf("\"" + ConfigProposal.UNANSWERED + "\"");
            assertThat(at).as("an unanswered field for " + a).isNotNegative();
            out = out.substring(0, at) + a + out.substring(at + 3);
        }
        assertThat(out).doesNotContain("\"?\"");
        return out;
    }

    @Test
    void theExampleWithoutItsConfigGetsOneThatValidatesOnceTheBranchesAreAnswered() throws Exception {
        ExampleRepo repo = ExampleRepo.copyInto(dir.resolve("mindmirror"));
        LocalWorkspace workspace = new LocalWorkspace(repo.root());
        DeployConfig original = new ConfigLoader(workspace).load(ExampleRepo.CONFIG).config();
        Files.delete(repo.config());

        ConfigProposal proposal = new ConfigProposer(workspace).propose("mindmirror");

        assertThat(proposal.questions().stream().filter(Question::blocking).map(Question::field))
                .containsExactly("environments.production.branch", "environments.staging.branch");
        assertThat(proposal.yaml()).contains("# QUESTION: which git branch deploys staging?");
        // Unanswered, validation refuses it and names the field.
        Files.writeString(repo.config(), proposal.yaml());
        assertThatThrownBy(() -> new ConfigLoader(workspace).load(ExampleRepo.CONFIG)).isInstanceOf(DeployException.class)
                .hasMessageContaining("environments.staging.branch");

        Files.writeString(repo.config(), answer(proposal.yaml(), "main", "staging"));
        DeployConfig proposed = new ConfigLoader(workspace).load(ExampleRepo.CONFIG).config();

        assertThat(proposed.app()).isEqualTo(original.app());
        assertThat(proposed.services()).extracting(ServiceSpec::name)
                .containsExactlyInAnyOrderElementsOf(original.services().stream().map(ServiceSpec::name).toList());
        for (ServiceSpec s : proposed.services()) {
            ServiceSpec o = original.service(s.name()).orElseThrow();
            assertThat(s.build()).as(s.name()).isEqualTo(o.build());
            assertThat(s.image()).isEqualTo(o.image());
            assertThat(s.tfvarsVariable()).isEqualTo(o.tfvarsVariable());
            assertThat(s.cloudRunName()).isEqualTo(o.cloudRunName());
        }
        GatewaySpec g = proposed.gateway();
        GatewaySpec og = original.gateway();
        assertThat(List.of(g.name(), g.image(), g.tfvarsVariable(), g.tofuTarget(), g.cloudRunName()))
                .isEqualTo(List.of(og.name(), og.image(), og.tfvarsVariable(), og.tofuTarget(), og.cloudRunName()));
        assertThat(g.serviceUrlArgs()).isEqualTo(og.serviceUrlArgs());
        assertThat(g.build()).isEqualTo(og.build());
        assertThat(proposed.migrations()).extracting(m -> m.job() + " " + m.service() + " " + m.timeout())
                .isEqualTo(original.migrations().stream().map(m -> m.job() + " " + m.service() + " " + m.timeout()).toList());
        for (String name : List.of("staging", "production")) {
            EnvironmentSpec e = proposed.environment(name);
            EnvironmentSpec o = original.environment(name);
            assertThat(List.of(e.branch(), e.projectId(), e.projectNumber(), e.region(), e.registry().toString(), e.credentialsId(),
                    e.serviceUrlsSecret(), e.serviceNameSuffix(), e.approval().gates().toString()))
                    .as(name)
                    .isEqualTo(List.of(o.branch(), o.projectId(), o.projectNumber(), o.region(), o.registry().toString(), o.credentialsId(),
                            o.serviceUrlsSecret(), o.serviceNameSuffix(), o.approval().gates().toString()));
            assertThat(e.tofu()).isEqualTo(o.tofu());
        }
    }

    @Test
    void composeBuildSectionsBecomeServicesAndUnmappedImagesBecomeQuestions() throws Exception {
        Path root = dir.resolve("shop");
        Files.createDirectories(root.resolve("api"));
        Files.createDirectories(root.resolve("worker"));
        Files.writeString(root.resolve("api/Dockerfile"), "FROM python:3.12\nCOPY . /app\n");
        Files.writeString(root.resolve("worker/Dockerfile"), "FROM python:3.12\nCOPY . /app\n");
        Files.writeString(root.resolve("docker-compose.yml"), """
                services:
                  api:
                    build:
                      context: ./api
                      args:
                        PYTHON: "3.12"
                  worker:
                    build: ./worker
                  db:
                    image: postgres:16
                """);

        ConfigProposal proposal = new ConfigProposer(new LocalWorkspace(root)).propose("shop");

        assertThat(proposal.yaml()).contains("- name: api\n    build:\n      context: api\n      args:\n        PYTHON: \"3.12\"\n",
                "- name: worker\n    build:\n      context: worker\n");
        assertThat(proposal.yaml()).doesNotContain("name: db");
        assertThat(proposal.questions().stream().filter(Question::blocking).map(Question::field))
                .containsExactly("services.api.tfvarsVariable", "services.worker.tfvarsVariable", "environments");
    }

    @Test
    void aRepositoryWithoutADockerfileIsToldWhatInitLooksFor() {
        assertThatThrownBy(() -> new ConfigProposer(new LocalWorkspace(dir)).propose("empty")).isInstanceOf(DeployException.class)
                .hasMessageContaining("No Dockerfile found").hasMessageContaining("docker-compose.yml");
    }
}
