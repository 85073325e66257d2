package org.jenkinsci.plugins.workflow.support.steps.input;

import hudson.model.Run;
import java.io.IOException;
import java.util.concurrent.TimeoutException;
import jenkins.model.RunAction2;

// Compile-only stand-in of the real Jenkins type (see ../signatures.tsv). No logic; never packaged.
public class InputAction implements RunAction2 {
    @Override
    public void onAttached(Run<?, ?> r) { throw new UnsupportedOperationException(); }

    @Override
    public void onLoad(Run<?, ?> r) { throw new UnsupportedOperationException(); }

    @Override
    public String getIconFileName() { throw new UnsupportedOperationException(); }

    @Override
    public String getDisplayName() { throw new UnsupportedOperationException(); }

    @Override
    public String getUrlName() { throw new UnsupportedOperationException(); }

    public synchronized void add(InputStepExecution step) throws IOException, InterruptedException, TimeoutException { throw new UnsupportedOperationException(); }

    public synchronized void remove(InputStepExecution exec) throws IOException, InterruptedException, TimeoutException { throw new UnsupportedOperationException(); }
}
