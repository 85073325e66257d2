package io.jenkins.plugins.mmdeploy.gateway;

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
 * {@code mmDeployGateway}: builds the gateway with the services' URLs ({@code buildOnly} stops there), applies its targeted
 * plan and health-checks it. Returns {@code [image, urlsUsed, planHash, summaryText, applied, health]}.
 *
 * <p>Parameters are mapped here; the engine stage is reached through {@link StepRequest}.
 */
public final class DeployGatewayStep extends StageStep {
    private boolean buildOnly;
    private boolean planOnly;
    private String approvedPlanHash;

    @DataBoundConstructor
    public DeployGatewayStep(String environment) {
        super(environment);
    }

    public boolean isBuildOnly() {
        return buildOnly;
    }

    @DataBoundSetter
    public void setBuildOnly(boolean buildOnly) {
        this.buildOnly = buildOnly;
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
        return new StepRequest.DeployGateway(getEnvironment(), buildOnly, planOnly, approvedPlanHash);
    }

    @Extension
    public static final class DescriptorImpl extends StepDescriptor {
        @Override
        public String getFunctionName() {
            return "mmDeployGateway";
        }

        @Override
        public String getDisplayName() {
            return "mm-deploy: build and deploy the gateway";
        }

        @Override
        public Set<? extends Class<?>> getRequiredContext() {
            return Set.of(Run.class, TaskListener.class, FilePath.class, Launcher.class);
        }
    }
}
