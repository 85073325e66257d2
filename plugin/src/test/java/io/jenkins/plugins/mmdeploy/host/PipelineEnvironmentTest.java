package io.jenkins.plugins.mmdeploy.host;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PipelineEnvironmentTest {
    @Test
    void aCommandGetsThePipelinesVariablesUnderItsOwn() {
        PipelineEnvironment pipeline = PipelineEnvironment.of(Map.of(
                "PATH", "/opt/tofu-1.8/bin:/usr/bin", "JAVA_HOME", "/opt/jdk17", "TF_IN_AUTOMATION", "0"));

        Map<String, String> env = pipeline.under(Map.of("TF_IN_AUTOMATION", "1", "GOOGLE_OAUTH_ACCESS_TOKEN", "ya29.token"));

        assertThat(env).containsOnly(
                Map.entry("PATH", "/opt/tofu-1.8/bin:/usr/bin"), // tool/withEnv's PATH reaches tofu
                Map.entry("JAVA_HOME", "/opt/jdk17"),
                Map.entry("TF_IN_AUTOMATION", "1"), // the engine's own value wins
                Map.entry("GOOGLE_OAUTH_ACCESS_TOKEN", "ya29.token"));
        assertThat(pipeline.variables()).containsEntry("TF_IN_AUTOMATION", "0").doesNotContainKey("GOOGLE_OAUTH_ACCESS_TOKEN");
    }

    @Test
    void namesCompareCaseInsensitivelyAsInEnvVars() {
        PipelineEnvironment pipeline = PipelineEnvironment.of(Map.of("Path", "C:\\Windows;C:\\tofu"));

        Map<String, String> env = pipeline.under(Map.of("PATH", "C:\\engine"));

        assertThat(env).hasSize(1);
        assertThat(env.get("path")).isEqualTo("C:\\engine");
    }

    @Test
    void noContextVariablesIsAnEmptyEnvironmentAndNullsAreDropped() {
        assertThat(PipelineEnvironment.of(null).under(Map.of("A", "1"))).containsOnly(Map.entry("A", "1"));
        Map<String, String> withNull = new HashMap<>();
        withNull.put("EMPTY", null);
        withNull.put("B", "2");
        assertThat(PipelineEnvironment.of(withNull).variables()).containsOnly(Map.entry("B", "2"));
    }

    @Test
    void theBuildsBranchIsBranchNameInAMultibranchJob() {
        assertThat(PipelineEnvironment.of(Map.of("BRANCH_NAME", "main", "JOB_NAME", "mindmirror/main")).buildBranch()).isEqualTo("main");
        assertThat(PipelineEnvironment.of(Map.of("JOB_NAME", "deploy-by-hand")).buildBranch()).isNull();
        assertThat(PipelineEnvironment.of(Map.of("BRANCH_NAME", " ")).buildBranch()).isNull();
        assertThat(PipelineEnvironment.of(null).buildBranch()).isNull();
    }

    @Test
    void aChangeRequestBuildsNoEnvironmentsBranchEvenWhenBranchNameIsItsSource() {
        // Bitbucket's plugin sets BRANCH_NAME to a pull request's source branch: a PR from "main" must not deploy main.
        String branch = PipelineEnvironment.of(Map.of("BRANCH_NAME", "main", "CHANGE_ID", "42", "CHANGE_TARGET", "main")).buildBranch();

        assertThat(branch).isEqualTo("change request 42").isNotEqualTo("main");
        assertThat(PipelineEnvironment.of(Map.of("BRANCH_NAME", "PR-42", "CHANGE_ID", "42")).buildBranch()).isEqualTo("change request 42");
    }
}
