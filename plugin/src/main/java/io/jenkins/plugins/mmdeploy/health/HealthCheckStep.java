package io.jenkins.plugins.mmdeploy.health;

import hudson.Extension;
import hudson.FilePath;
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
 * {@code mmHealthCheck}: checks the health of every service and the gateway (or {@code services}). Returns {@code [healthy, results]}.
 *
 * <p>Parameters are mapped here; the engine stage is reached through {@link StepRequest}.
 */
public final class HealthCheckStep extends StageStep {
    private List<String> services;

    @DataBoundConstructor
    public HealthCheckStep(String environment) {
        super(environment);
    }

    public List<String> getServices() {
        return services;
    }

    @DataBoundSetter
    public void setServices(List<String> services) {
        this.services = copyOrNull(services);
    }

    @Override
    public StepRequest<?> request() {
        return new StepRequest.HealthCheck(getEnvironment(), services);
    }

    @Extension
    public static final class DescriptorImpl extends StepDescriptor {
        @Override
        public String getFunctionName() {
            return "mmHealthCheck";
        }

        @Override
        public String getDisplayName() {
            return "mm-deploy: check the services' health";
        }

        @Override
        public Set<? extends Class<?>> getRequiredContext() {
            return Set.of(Run.class, TaskListener.class, FilePath.class);
        }
    }
}
