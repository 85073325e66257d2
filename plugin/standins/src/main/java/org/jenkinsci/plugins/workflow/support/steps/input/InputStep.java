package org.jenkinsci.plugins.workflow.support.steps.input;

import java.io.Serializable;
import org.jenkinsci.plugins.workflow.steps.Step;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepExecution;

// Compile-only stand-in of the real Jenkins type (see ../signatures.tsv). No logic; never packaged.
// Real superclass AbstractStepImpl (a Step) is outside the signature reference; Step stands in for it.
public class InputStep extends Step implements Serializable {
    public InputStep(String message) {}

    public void setId(String id) { throw new UnsupportedOperationException(); }

    public void setSubmitter(String submitter) { throw new UnsupportedOperationException(); }

    public void setSubmitterParameter(String submitterParameter) { throw new UnsupportedOperationException(); }

    @Override
    public StepExecution start(StepContext context) throws Exception { throw new UnsupportedOperationException(); }
}
