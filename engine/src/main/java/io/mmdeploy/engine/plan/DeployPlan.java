package io.mmdeploy.engine.plan;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.mmdeploy.engine.diagnostics.Diagnostic;
import io.mmdeploy.engine.flow.FlowStep;
import io.mmdeploy.engine.isolation.IsolationViolation;
import io.mmdeploy.engine.source.Revision;
import java.util.List;

/**
 * What a deploy to one environment would do, computed without touching the cloud.
 *
 * @param environment the environment's name
 * @param projectId its GCP project
 * @param revision the commit it would deploy; null outside a git repository
 * @param since the revision builds are compared with; null for none
 * @param violations the isolation preflight's findings (a deploy refuses to start on any)
 * @param services one per service, in config order
 * @param gateway the gateway's plan; null when the app has none
 * @param flow the deploy's phases in order, with the gates between them (the flow every host runs)
 * @param alias the tag moved after success
 * @param warnings things worth knowing that do not stop a deploy
 */
public record DeployPlan(String environment, String projectId, Revision revision, String since, List<IsolationViolation> violations,
        List<ServicePlan> services, ServicePlan gateway, List<FlowStep> flow, String alias, List<Diagnostic> warnings) {

    public DeployPlan {
        violations = List.copyOf(violations);
        services = List.copyOf(services);
        flow = List.copyOf(flow);
        warnings = List.copyOf(warnings);
    }

    @JsonProperty("isolated")
    public boolean isolated() {
        return violations.isEmpty();
    }

    public long rebuildCount() {
        return services.stream().filter(ServicePlan::rebuild).count();
    }

    public long gateCount() {
        return flow.stream().filter(FlowStep::isGate).count();
    }
}
