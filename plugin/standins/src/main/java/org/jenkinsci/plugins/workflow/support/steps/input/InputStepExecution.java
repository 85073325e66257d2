package org.jenkinsci.plugins.workflow.support.steps.input;

import org.jenkinsci.plugins.workflow.steps.StepExecution;

// Compile-only stand-in of the real Jenkins type (see ../signatures.tsv). No logic; never packaged.
// Real superclass AbstractStepExecutionImpl (a StepExecution) is outside the signature reference.
public class InputStepExecution extends StepExecution {
    InputStepExecution() {
        super(null);
    }

    @Override
    public boolean start() throws Exception { throw new UnsupportedOperationException(); }

    @Override
    public void stop(Throwable cause) throws Exception { throw new UnsupportedOperationException(); }

    public boolean isSettled() { throw new UnsupportedOperationException(); }
}
