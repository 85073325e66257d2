package io.jenkins.plugins.mmdeploy.release;

import hudson.Extension;
import hudson.FilePath;
import hudson.model.Run;
import hudson.model.TaskListener;
import io.jenkins.plugins.mmdeploy.host.StageStep;
import io.mmdeploy.engine.steps.StepRequest;
import java.util.Set;
import org.jenkinsci.plugins.workflow.steps.StepDescriptor;
import org.kohsuke.stapler.DataBoundConstructor;

/**
 * {@code mmMoveAlias}: moves the environment's alias tag (e.g. {@code staging-latest}) of every image to the digest
 * the release just recorded left live. Returns {@code [alias, images]}.
 */
public final class MoveAliasStep extends StageStep {
    @DataBoundConstructor
    public MoveAliasStep(String environment) {
        super(environment);
    }

    @Override
    public StepRequest<?> request() {
        return new StepRequest.MoveAlias(getEnvironment());
    }

    @Extension
    public static final class DescriptorImpl extends StepDescriptor {
        @Override
        public String getFunctionName() {
            return "mmMoveAlias";
        }

        @Override
        public String getDisplayName() {
            return "mm-deploy: move the environment's alias tag to the live images";
        }

        @Override
        public Set<? extends Class<?>> getRequiredContext() {
            return Set.of(Run.class, TaskListener.class, FilePath.class);
        }
    }
}
