package io.jenkins.plugins.mmdeploy.rollback;

import hudson.Extension;
import hudson.FilePath;
import hudson.model.Run;
import hudson.model.TaskListener;
import io.jenkins.plugins.mmdeploy.host.StageStep;
import io.mmdeploy.engine.steps.StepRequest;
import java.util.Set;
import org.jenkinsci.plugins.workflow.steps.StepDescriptor;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;

/**
 * {@code mmRollback}: moves Cloud Run traffic of one service or all back to the previous revisions, a revision or a release, then checks
 * health. Returns {@code [moved, healthy, release]}.
 *
 * <p>Parameters are mapped here; the engine stage is reached through {@link StepRequest}.
 */
public final class RollbackStep extends StageStep {
    private String service = "all";
    private String to = "previous";
    private boolean force;

    @DataBoundConstructor
    public RollbackStep(String environment) {
        super(environment);
    }

    public String getService() {
        return service;
    }

    @DataBoundSetter
    public void setService(String service) {
        this.service = service == null || service.isBlank() ? "all" : service.strip();
    }

    public String getTo() {
        return to;
    }

    @DataBoundSetter
    public void setTo(String to) {
        this.to = to == null || to.isBlank() ? "previous" : to.strip();
    }

    public boolean isForce() {
        return force;
    }

    /** Go back past migrations that are not marked compatibleWithPrevious; the engine refuses that otherwise. */
    @DataBoundSetter
    public void setForce(boolean force) {
        this.force = force;
    }

    @Override
    public StepRequest<?> request() {
        return new StepRequest.Rollback(getEnvironment(), service, to, force);
    }

    @Extension
    public static final class DescriptorImpl extends StepDescriptor {
        @Override
        public String getFunctionName() {
            return "mmRollback";
        }

        @Override
        public String getDisplayName() {
            return "mm-deploy: move traffic back to an earlier release";
        }

        @Override
        public Set<? extends Class<?>> getRequiredContext() {
            return Set.of(Run.class, TaskListener.class, FilePath.class);
        }
    }
}
