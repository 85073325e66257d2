package io.jenkins.plugins.mmdeploy.host;

import hudson.AbortException;
import io.mmdeploy.engine.diagnostics.DeployException;

/**
 * How a step fails. The engine's diagnostics are expected outcomes: Jenkins shows an {@link AbortException} as its
 * message alone, without a stack trace. Anything else is a bug and keeps its trace.
 */
public final class StepFailure {
    private StepFailure() {}

    public static Throwable of(Throwable t) {
        if (t instanceof DeployException deploy) {
            return new AbortException(deploy.getMessage());
        }
        return t;
    }
}
