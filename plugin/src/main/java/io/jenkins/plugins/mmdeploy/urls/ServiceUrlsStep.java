package io.jenkins.plugins.mmdeploy.urls;

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
 * {@code mmServiceUrls}: reads the services' URLs from the OpenTofu outputs and stores them as a new version of the environment's URLs secret.
 * Returns {@code [urls, secret]}.
 *
 * <p>Parameters are mapped here; the engine stage is reached through {@link StepRequest}.
 */
public final class ServiceUrlsStep extends StageStep {
    @DataBoundConstructor
    public ServiceUrlsStep(String environment) {
        super(environment);
    }

    @Override
    public StepRequest<?> request() {
        return new StepRequest.ServiceUrls(getEnvironment());
    }

    @Extension
    public static final class DescriptorImpl extends StepDescriptor {
        @Override
        public String getFunctionName() {
            return "mmServiceUrls";
        }

        @Override
        public String getDisplayName() {
            return "mm-deploy: publish the services' URLs";
        }

        @Override
        public Set<? extends Class<?>> getRequiredContext() {
            return Set.of(Run.class, TaskListener.class, FilePath.class);
        }
    }
}
