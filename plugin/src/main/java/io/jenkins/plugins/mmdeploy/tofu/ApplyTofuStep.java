package io.jenkins.plugins.mmdeploy.tofu;

import hudson.Extension;
import hudson.FilePath;
import hudson.Launcher;
import hudson.model.Run;
import hudson.model.TaskListener;
import io.jenkins.plugins.mmdeploy.host.StageStep;
import io.mmdeploy.engine.steps.StepRequest;
import java.util.Set;
import org.jenkinsci.plugins.workflow.steps.StepDescriptor;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;

/**
 * {@code mmApplyTofu}: plans the environment's OpenTofu configuration and applies exactly the approved plan ({@code planOnly} stops after the
 * plan). Returns {@code [planHash, summaryText, counts, changed, applied, outputs]}.
 *
 * <p>Parameters are mapped here; the engine stage is reached through {@link StepRequest}.
 */
public final class ApplyTofuStep extends StageStep {
    private String target;
    private boolean planOnly;
    private String approvedPlanHash;

    @DataBoundConstructor
    public ApplyTofuStep(String environment) {
        super(environment);
    }

    public String getTarget() {
        return target;
    }

    @DataBoundSetter
    public void setTarget(String target) {
        this.target = blankToNull(target);
    }

    public boolean isPlanOnly() {
        return planOnly;
    }

    @DataBoundSetter
    public void setPlanOnly(boolean planOnly) {
        this.planOnly = planOnly;
    }

    public String getApprovedPlanHash() {
        return approvedPlanHash;
    }

    @DataBoundSetter
    public void setApprovedPlanHash(String approvedPlanHash) {
        this.approvedPlanHash = blankToNull(approvedPlanHash);
    }

    @Override
    public StepRequest<?> request() {
        return new StepRequest.ApplyTofu(getEnvironment(), target, planOnly, approvedPlanHash);
    }

    @Extension
    public static final class DescriptorImpl extends StepDescriptor {
        @Override
        public String getFunctionName() {
            return "mmApplyTofu";
        }

        @Override
        public String getDisplayName() {
            return "mm-deploy: plan and apply OpenTofu";
        }

        @Override
        public Set<? extends Class<?>> getRequiredContext() {
            return Set.of(Run.class, TaskListener.class, FilePath.class, Launcher.class);
        }
    }
}
