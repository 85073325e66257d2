package io.jenkins.plugins.mmdeploy.preflight;

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
 * {@code mmPreflight environment: 'staging'}: loads the deploy config and runs the engine's isolation preflight
 * (environments never share a project, registry, state, secret…). Fails the build on any violation, before anything
 * is changed, and starts the run. Returns {@code [environment, violations, release, approval, alias, resumed, phases]}.
 */
public final class PreflightStep extends StageStep {
    @DataBoundConstructor
    public PreflightStep(String environment) {
        super(environment);
    }

    @Override
    public StepRequest<?> request() {
        return new StepRequest.Preflight(getEnvironment());
    }

    @Extension
    public static final class DescriptorImpl extends StepDescriptor {
        @Override
        public String getFunctionName() {
            return "mmPreflight";
        }

        @Override
        public String getDisplayName() {
            return "mm-deploy: check that the environments are isolated";
        }

        @Override
        public Set<? extends Class<?>> getRequiredContext() {
            return Set.of(Run.class, TaskListener.class, FilePath.class);
        }
    }
}
