package org.jenkinsci.plugins.workflow.steps;

import java.io.Serializable;

// Compile-only stand-in of the real Jenkins type (see ../signatures.tsv). No logic; never packaged.
public abstract class StepExecution implements Serializable {
    protected StepExecution(StepContext context) {}

    public StepContext getContext() { throw new UnsupportedOperationException(); }

    public abstract boolean start() throws Exception;

    public void stop(Throwable cause) throws Exception { throw new UnsupportedOperationException(); }

    public void onResume() { throw new UnsupportedOperationException(); }

    public String getStatus() { throw new UnsupportedOperationException(); }
}
