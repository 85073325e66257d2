package io.jenkins.plugins.mmdeploy.images;

import static org.assertj.core.api.Assertions.assertThat;

import hudson.Launcher;
import io.mmdeploy.engine.steps.StepRequest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class BuildImagesStepTest {
    @Test
    void defaultsToAllServicesWithCloudBuild() throws Exception {
        BuildImagesStep step = new BuildImagesStep("staging");

        assertThat(step.request()).isEqualTo(new StepRequest.BuildImages("staging", null, "cloudbuild"));
        assertThat(step.getConfig()).isEqualTo("mm-deploy.yaml");
    }

    @Test
    void servicesAndBuilderAreOptionalSettersAndTheListIsCopied() throws Exception {
        BuildImagesStep step = new BuildImagesStep("production");
        List<String> services = new ArrayList<>(Arrays.asList("agent", "journal"));
        step.setServices(services);
        step.setBuilder(" docker ");
        services.add("users");

        assertThat(step.request()).isEqualTo(new StepRequest.BuildImages("production", List.of("agent", "journal"), "docker"));
        step.setBuilder("");
        assertThat(step.getBuilder()).isEqualTo("cloudbuild");
    }

    @Test
    void descriptorNeedsALauncherForDockerBuilds() {
        BuildImagesStep.DescriptorImpl descriptor = new BuildImagesStep.DescriptorImpl();
        assertThat(descriptor.getFunctionName()).isEqualTo("mmBuildImages");
        assertThat(new ArrayList<Object>(descriptor.getRequiredContext())).contains(Launcher.class);
    }
}
