package io.jenkins.plugins.mmdeploy.approval;

import com.google.common.util.concurrent.ListenableFuture;
import hudson.model.Result;
import java.io.IOException;
import org.jenkinsci.plugins.workflow.steps.BodyInvoker;
import org.jenkinsci.plugins.workflow.steps.StepContext;

/**
 * The context the gate's input step runs in: the gate's own context, except that the input's answer goes to the gate,
 * which reviews it (four eyes) before the Pipeline sees a result.
 */
final class GateInputContext extends StepContext {
    private static final long serialVersionUID = 1L;

    private final StepContext gateContext;
    private final ApprovalGateExecution gate;

    GateInputContext(StepContext gateContext, ApprovalGateExecution gate) {
        this.gateContext = gateContext;
        this.gate = gate;
    }

    @Override
    public <T> T get(Class<T> key) throws IOException, InterruptedException {
        return gateContext.get(key);
    }

    @Override
    public void onSuccess(Object result) {
        gate.answered(result);
    }

    @Override
    public void onFailure(Throwable t) {
        gate.failed(t);
    }

    @Override
    public boolean isReady() {
        return gateContext.isReady();
    }

    @Override
    public ListenableFuture<Void> saveState() {
        return gateContext.saveState();
    }

    @Override
    public void setResult(Result r) {
        gateContext.setResult(r);
    }

    @Override
    public BodyInvoker newBodyInvoker() {
        throw new IllegalStateException("mmApprovalGate takes no body");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GateInputContext other && other.gateContext.equals(gateContext) && other.gate == gate;
    }

    @Override
    public int hashCode() {
        return gateContext.hashCode();
    }
}
