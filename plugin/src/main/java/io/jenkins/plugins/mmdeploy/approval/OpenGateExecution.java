package io.jenkins.plugins.mmdeploy.approval;

import io.jenkins.plugins.mmdeploy.host.BuildHost;
import io.jenkins.plugins.mmdeploy.host.DeployConfigs;
import io.jenkins.plugins.mmdeploy.host.StepFailure;
import io.jenkins.plugins.mmdeploy.host.StepMaps;
import io.mmdeploy.engine.approval.ApprovalGate;
import io.mmdeploy.engine.approval.GateDecision;
import io.mmdeploy.engine.approval.GatePlan;
import io.mmdeploy.engine.config.ApprovalPolicy.Gate;
import io.mmdeploy.engine.config.EnvironmentSpec;
import io.mmdeploy.engine.config.LoadedConfig;
import io.mmdeploy.engine.diagnostics.DeployException;
import io.mmdeploy.engine.port.LogEvent;
import io.mmdeploy.engine.steps.DeploySteps;
import io.mmdeploy.engine.steps.StepRequest;
import io.mmdeploy.engine.tofu.TofuSettings;
import java.time.Clock;
import java.util.Map;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.SynchronousNonBlockingStepExecution;

/** Opens a gate off the CPS thread (the config and the saved plan may be on an agent): see {@link OpenGateStep}. */
final class OpenGateExecution extends SynchronousNonBlockingStepExecution<Map<String, Object>> {
    private static final long serialVersionUID = 1L;
    private final String environment;
    private final String phase;
    private final String summary;
    private final String config;

    OpenGateExecution(StepContext context, String environment, String phase, String summary, String config) {
        super(context);
        this.environment = environment;
        this.phase = phase;
        this.summary = summary;
        this.config = config;
    }

    @Override
    protected Map<String, Object> run() throws Exception {
        BuildHost host = BuildHost.of(getContext(), DeployConfigs.directory(config));
        try {
            LoadedConfig loaded = DeployConfigs.loaded(host.workspace(), DeployConfigs.fileName(config), config, host.events());
            EnvironmentSpec env = loaded.config().environment(environment);
            ApprovalGate gate = new ApprovalGate(Clock.systemUTC());
            GateDecision decision = gate.decide(env, phase, summary);
            // The approver is shown the run's open plan as the engine saved it, and approves exactly its hash; a rollback's
            // confirmation is of this run, under the key the engine gives it (its mmRollback checks that key).
            DeploySteps steps = new DeploySteps(host.stepHost(), loaded, TofuSettings.defaults());
            GatePlan plan = new StepRequest.OpenGate(environment, phase).runOn(steps);
            boolean rollback = decision.phase() == Gate.ROLLBACK;
            boolean automatic = decision.automatic() || !rollback && plan.automatic();
            String shown = rollback ? decision.message() : plan.summaryText();
            String planHash = plan.planHash();
            GateRequest opened = ApprovalPage.open(host.run(), decision, planHash, gate.prompt(decision, plan), shown, plan.people(),
                    automatic, gate.now());
            if (!automatic) {
                // The environment's webhooks hear that a person is awaited (a failing one never fails the gate).
                steps.awaitingApproval(environment, plan);
            }
            host.events().emit(new LogEvent(LogEvent.Level.INFO, "approval", automatic
                    ? "The " + phase + " gate of " + environment + " passes by itself: "
                            + (decision.automatic() ? "the policy has no such gate." : "the plan changes nothing.")
                    : "Opened the " + phase + " gate of " + environment + " (" + opened.id + "): " + opened.prompt));
            return StepMaps.gate(phase, planHash, shown, automatic);
        } catch (DeployException e) {
            throw (Exception) StepFailure.of(e);
        }
    }
}
