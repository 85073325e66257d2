package io.jenkins.plugins.mmdeploy.supply;

import hudson.Extension;
import hudson.FilePath;
import hudson.model.Run;
import hudson.model.TaskListener;
import io.jenkins.plugins.mmdeploy.host.StageStep;
import io.mmdeploy.engine.steps.StepRequest;
import java.util.Set;
import org.jenkinsci.plugins.workflow.steps.StepDescriptor;
import org.kohsuke.stapler.DataBoundConstructor;

/** {@code mmPromoteImages}: see help.html beside this class; all behaviour is the engine's. */
public final class PromoteImagesStep extends StageStep {
    @DataBoundConstructor
    public PromoteImagesStep(String environment) {
        super(environment);
    }

    @Override
    public StepRequest<?> request() {
        return new StepRequest.PromoteImages(getEnvironment());
    }

    @Extension
    public static final class DescriptorImpl extends StepDescriptor {
        @Override
        public String getFunctionName() {
            return "mmPromoteImages";
        }

        @Override
        public String getDisplayName() {
            return "mm-deploy: promote the images another environment deployed, by digest";
        }

        @Override
        public Set<? extends Class<?>> getRequiredContext() {
            return Set.of(Run.class, TaskListener.class, FilePath.class);
        }
    }
}
