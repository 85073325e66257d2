package org.jenkinsci.plugins.workflow.steps;

import hudson.ExtensionPoint;
import hudson.model.AbstractDescribableImpl;

// Compile-only stand-in of the real Jenkins type (see ../signatures.tsv). No logic; never packaged.
public abstract class Step extends AbstractDescribableImpl<Step> implements ExtensionPoint {
    public abstract StepExecution start(StepContext context) throws Exception;

    public StepDescriptor getDescriptor() { throw new UnsupportedOperationException(); }
}
