package io.jenkins.plugins.mmdeploy.smoke;

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
 * {@code mmSmokeTest}: runs every service's and the gateway's smoke tests of the config, after the health check.
 * Returns {@code [passed, results]}; a failed test is returned, not thrown, so the pipeline moves the traffic back.
 *
 * <p>Parameters are mapped here; the engine stage is reached through {@link StepRequest}.
 */
public final class SmokeTestStep extends StageStep {
    @DataBoundConstructor
    public SmokeTestStep(String environment) {
        super(environment);
    }

    @Override
    public StepRequest<?> request() {
        return new StepRequest.SmokeTest(getEnvironment());
    }

    @Extension
    public static final class DescriptorImpl extends StepDescriptor {
        @Override
        public String getFunctionName() {
            return "mmSmokeTest";
        }

        @Override
        public String getDisplayName() {
            return "mm-deploy: run the smoke tests";
        }

        @Override
        public Set<? extends Class<?>> getRequiredContext() {
            return Set.of(Run.class, TaskListener.class, FilePath.class);
        }
    }
}
