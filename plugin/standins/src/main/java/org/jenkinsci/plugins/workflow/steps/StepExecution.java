package org.jenkinsci.plugins.workflow.steps;

import com.google.common.util.concurrent.ListenableFuture;
import java.io.Serializable;
import java.util.function.Consumer;

// Compile-only stand-in of the real Jenkins type (see ../signatures.tsv). No logic; never packaged.
public abstract class StepExecution implements Serializable {
    protected StepExecution(StepContext context) {}

    public StepContext getContext() { throw new UnsupportedOperationException(); }

    public abstract boolean start() throws Exception;

    public void stop(Throwable cause) throws Exception { throw new UnsupportedOperationException(); }

    public void onResume() { throw new UnsupportedOperationException(); }

    public String getStatus() { throw new UnsupportedOperationException(); }

    public static <T extends StepExecution> ListenableFuture<?> acceptAll(Class<T> type, Consumer<T> c) { throw new UnsupportedOperationException(); }
}
