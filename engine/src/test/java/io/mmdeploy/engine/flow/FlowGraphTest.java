package io.mmdeploy.engine.flow;

import static org.assertj.core.api.Assertions.assertThat;

import io.mmdeploy.engine.config.ApprovalPolicy;
import io.mmdeploy.engine.config.ApprovalPolicy.Gate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FlowGraphTest {
    static final ApprovalPolicy GATED = new ApprovalPolicy(Set.of(Gate.SERVICES, Gate.GATEWAY), List.of(), null, true);

    @Test
    void ungatedTheBuildsTheGatewayTofuInitAndTheMigrationsStartTogether() {
        FlowGraph graph = FlowGraph.of(DeployFlow.of(ApprovalPolicy.none(), true, true));

        assertThat(graph.node("build-images").needs()).containsExactly("preflight");
        assertThat(graph.node("gateway-build").needs()).containsExactly("preflight");
        assertThat(graph.node(FlowGraph.TOFU_INIT).needs()).containsExactly("preflight");
        // Nobody approves either plan: the gateway's image goes with the services' plan, so that plan waits for its build.
        assertThat(graph.node("services-plan").needs()).containsExactlyInAnyOrder("build-images", FlowGraph.TOFU_INIT, "gateway-build");
        // Each migration waits for its own service's image inside the phase, not for every build.
        assertThat(graph.node("migrations").needs()).containsExactly("preflight");
        assertThat(graph.node("services-apply").needs()).containsExactlyInAnyOrder("services-plan", "migrations");
        assertThat(graph.node("gateway-plan").needs()).containsExactlyInAnyOrder("gateway-build", "service-urls");
    }

    @Test
    void withAVulnerabilityGateNothingThatChangesTheEnvironmentStartsBeforeTheScanMigrationsIncluded() {
        FlowGraph graph = FlowGraph.of(DeployFlow.of(ApprovalPolicy.none(), true, true, true, true));

        assertThat(graph.node("vulnerability-scan").needs()).containsExactly("build-images");
        assertThat(graph.node("migrations").needs()).containsExactlyInAnyOrder("build-images", "vulnerability-scan");
        assertThat(graph.node("services-plan").needs()).contains("vulnerability-scan");
        assertThat(graph.node("build-images").needs()).containsExactly("promote-images");
    }

    @Test
    void gatedEveryThingAPlanLeadsToWaitsForItsGateMigrationsIncluded() {
        FlowGraph graph = FlowGraph.of(DeployFlow.of(GATED, true, true));

        assertThat(graph.node("gate-services").needs()).containsExactly("services-plan");
        assertThat(graph.node("migrations").needs()).containsExactlyInAnyOrder("gate-services", "build-images");
        assertThat(graph.node("services-apply").needs()).containsExactlyInAnyOrder("gate-services", "migrations");
        assertThat(graph.node("gateway-apply").needs()).containsExactly("gate-gateway");
        assertThat(graph.node("services-plan").needs()).as("gated: the gateway keeps its own plan and gate")
                .containsExactlyInAnyOrder("build-images", FlowGraph.TOFU_INIT);
        assertThat(graph.node("gate-gateway").needs()).containsExactly("gateway-plan");
    }

    @Test
    void theFlowsOrderIsATopologicalOrderOfTheGraph() {
        for (DeployFlow flow : List.of(DeployFlow.of(ApprovalPolicy.none(), true, true), DeployFlow.of(GATED, true, true),
                DeployFlow.of(GATED, false, false), DeployFlow.of(ApprovalPolicy.none(), false, true))) {
            List<String> seen = new ArrayList<>(List.of(FlowGraph.TOFU_INIT));
            for (FlowStep step : flow.steps()) {
                assertThat(seen).as(step.id() + " after what it waits for").containsAll(FlowGraph.of(flow).node(step.id()).needs());
                seen.add(step.id());
            }
        }
    }

    @Test
    void theCriticalPathIsTheLongestChainOfNeedsAndTheChainIsTheSum() {
        FlowGraph graph = FlowGraph.of(DeployFlow.of(ApprovalPolicy.none(), true, true));
        Map<String, Duration> cost = Map.of("build-images", Duration.ofMinutes(4), "gateway-build", Duration.ofMinutes(3),
                FlowGraph.TOFU_INIT, Duration.ofSeconds(20), "services-plan", Duration.ofSeconds(30), "migrations", Duration.ofMinutes(1),
                "services-apply", Duration.ofMinutes(1));

        Duration critical = graph.criticalPath(n -> cost.getOrDefault(n.id(), Duration.ZERO));
        Duration chain = graph.chain(n -> cost.getOrDefault(n.id(), Duration.ZERO));

        // builds (4) → plan (30 s) → apply (1); the gateway, init and the migrations (their wait for images included) beside.
        assertThat(critical).isEqualTo(Duration.ofMinutes(5).plusSeconds(30));
        assertThat(chain).isEqualTo(Duration.ofMinutes(9).plusSeconds(50));
    }
}
