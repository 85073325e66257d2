package io.jenkins.plugins.mmdeploy.preflight;

import static org.assertj.core.api.Assertions.assertThat;

import hudson.FilePath;
import hudson.model.Run;
import hudson.model.TaskListener;
import io.mmdeploy.engine.isolation.IsolationViolation;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PreflightStepTest {

    @Test
    void environmentIsRequiredAndConfigOptional() {
        PreflightStep step = new PreflightStep("staging");
        assertThat(step.getEnvironment()).isEqualTo("staging");
        assertThat(step.getConfig()).isEqualTo("mm-deploy.yaml");

        step.setConfig("apps/mm/mm-deploy.yaml");
        assertThat(step.getConfig()).isEqualTo("apps/mm/mm-deploy.yaml");
        step.setConfig(null);
        assertThat(step.getConfig()).isEqualTo("mm-deploy.yaml");
    }

    @Test
    void descriptorNamesTheStepAndRunsInsideANode() {
        PreflightStep.DescriptorImpl descriptor = new PreflightStep.DescriptorImpl();

        assertThat(descriptor.getFunctionName()).isEqualTo("mmPreflight");
        assertThat(new java.util.HashSet<Class<?>>(descriptor.getRequiredContext())).isEqualTo(java.util.Set.of(Run.class, TaskListener.class, FilePath.class));
    }

    @Test
    void resultIsAPlainMapWithTheViolationsRendered() {
        IsolationViolation shared = new IsolationViolation("shared-project", "staging", "production", "mindmirror",
                "staging and production share project mindmirror", "Give each environment its own project.", "mm-deploy.yaml");

        Map<String, Object> result = PreflightStep.result("staging", List.of(shared));

        assertThat(result).containsOnlyKeys("environment", "violations");
        assertThat(result.get("environment")).isEqualTo("staging");
        assertThat(result.get("violations")).asList().singleElement().asString()
                .contains("staging and production share project mindmirror", "mm-deploy.yaml", "own project");
        assertThat(PreflightStep.result("staging", List.of()).get("violations")).asList().isEmpty();
    }
}
