package io.jenkins.plugins.mmdeploy.images;

import static org.assertj.core.api.Assertions.assertThat;

import hudson.Launcher;
import io.jenkins.plugins.mmdeploy.host.RecordingStages;
import io.jenkins.plugins.mmdeploy.host.StageContext;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class BuildImagesStepTest {
    private final StageContext stage = new StageContext(null, null, null, null);

    @Test
    void defaultsToAllServicesWithCloudBuild() throws Exception {
        RecordingStages stages = new RecordingStages();
        BuildImagesStep step = new BuildImagesStep("staging");

        assertThat(step.call(stages, stage)).containsEntry("ok", true);
        assertThat(stages.calls).containsExactly("buildImages", stage, null, "cloudbuild");
        assertThat(step.getConfig()).isEqualTo("mm-deploy.yaml");
    }

    @Test
    void servicesAndBuilderAreOptionalSettersAndTheListIsCopied() throws Exception {
        RecordingStages stages = new RecordingStages();
        BuildImagesStep step = new BuildImagesStep("production");
        List<String> services = new ArrayList<>(Arrays.asList("agent", "journal"));
        step.setServices(services);
        step.setBuilder(" docker ");
        services.add("users");

        step.call(stages, stage);

        assertThat(stages.calls).containsExactly("buildImages", stage, List.of("agent", "journal"), "docker");
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
