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
import org.kohsuke.stapler.DataBoundSetter;

/**
 * {@code mmRelease}: starts or finishes the release record: at {@code finish} it is shown as "Deployment" on the build page and archived
 * as mm-release.json. Returns {@code [release, record]}.
 *
 * <p>Parameters are mapped here; the engine stage is reached through {@link StepRequest}.
 */
public final class ReleaseStep extends StageStep {
    private final String phase;
    private final String result;
    private String failedPhase;
    private String kind = "deploy";

    @DataBoundConstructor
    public ReleaseStep(String environment, String phase, String result) {
        super(environment);
        this.phase = phase;
        this.result = result;
    }

    public String getPhase() {
        return phase;
    }

    public String getResult() {
        return result;
    }

    public String getFailedPhase() {
        return failedPhase;
    }

    @DataBoundSetter
    public void setFailedPhase(String failedPhase) {
        this.failedPhase = blankToNull(failedPhase);
    }

    public String getKind() {
        return kind;
    }

    /** {@code deploy} or {@code rollback}, given at {@code start}. */
    @DataBoundSetter
    public void setKind(String kind) {
        this.kind = kind == null || kind.isBlank() ? "deploy" : kind.strip();
    }

    @Override
    public StepRequest<?> request() {
        return new StepRequest.Release(getEnvironment(), phase, result, failedPhase, kind);
    }

    @Extension
    public static final class DescriptorImpl extends StepDescriptor {
        @Override
        public String getFunctionName() {
            return "mmRelease";
        }

        @Override
        public String getDisplayName() {
            return "mm-deploy: record the release";
        }

        @Override
        public Set<? extends Class<?>> getRequiredContext() {
            return Set.of(Run.class, TaskListener.class, FilePath.class);
        }
    }
}
