package io.jenkins.plugins.mmdeploy.images;

import hudson.Extension;
import hudson.FilePath;
import hudson.Launcher;
import hudson.model.Run;
import hudson.model.TaskListener;
import io.jenkins.plugins.mmdeploy.host.StageStep;
import io.mmdeploy.engine.steps.StepRequest;
import java.util.List;
import java.util.Set;
import org.jenkinsci.plugins.workflow.steps.StepDescriptor;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;

/**
 * {@code mmBuildImages}: builds the images whose sources changed (all of them, or {@code services}) with Cloud Build or docker, pushes them and
 * returns {@code [images, built, reused]}.
 *
 * <p>Parameters are mapped here; the engine stage is reached through {@link StepRequest}.
 */
public final class BuildImagesStep extends StageStep {
    private List<String> services;
    private String builder = "cloudbuild";

    @DataBoundConstructor
    public BuildImagesStep(String environment) {
        super(environment);
    }

    public List<String> getServices() {
        return services;
    }

    @DataBoundSetter
    public void setServices(List<String> services) {
        this.services = copyOrNull(services);
    }

    public String getBuilder() {
        return builder;
    }

    @DataBoundSetter
    public void setBuilder(String builder) {
        this.builder = builder == null || builder.isBlank() ? "cloudbuild" : builder.strip();
    }

    @Override
    public StepRequest<?> request() {
        return new StepRequest.BuildImages(getEnvironment(), services, builder);
    }

    @Extension
    public static final class DescriptorImpl extends StepDescriptor {
        @Override
        public String getFunctionName() {
            return "mmBuildImages";
        }

        @Override
        public String getDisplayName() {
            return "mm-deploy: build the environment's images";
        }

        @Override
        public Set<? extends Class<?>> getRequiredContext() {
            return Set.of(Run.class, TaskListener.class, FilePath.class, Launcher.class);
        }
    }
}
