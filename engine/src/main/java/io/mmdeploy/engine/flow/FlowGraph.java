package io.mmdeploy.engine.flow;

import io.mmdeploy.engine.config.ApprovalPolicy.Gate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The flow as a dependency graph: each step (a phase or a gate) and what it waits for. A run may start a step as soon
 * as everything it waits for is done: the phases' needs, and where the policy gates a plan, its gate. Besides the
 * flow's steps there is one task of preparation, {@code tofu-init}, which the services' plan waits for and which runs
 * beside the builds. Where the gateway goes with the services' plan ({@link DeployFlow#plansGatewayWithServices}), that
 * plan also waits for the gateway's build. Where the migrations wait for their own images ({@link
 * DeployFlow#migratesAsImagesReady}), they start with the builds. The flow's order ({@link DeployFlow#steps}) is one topological order of this graph.
 */
public final class FlowGraph {
    public static final String TOFU_INIT = "tofu-init";

    /**
     * @param step the flow step; null for {@value #TOFU_INIT}
     * @param needs ids of the nodes it waits for
     */
    public record Node(String id, FlowStep step, List<String> needs) {
        public Node {
            needs = List.copyOf(needs);
        }

        public boolean isGate() {
            return step != null && step.isGate();
        }
    }

    private final Map<String, Node> nodes;

    private FlowGraph(Map<String, Node> nodes) {
        this.nodes = Collections.unmodifiableMap(nodes);
    }

    public static FlowGraph of(DeployFlow flow) {
        Map<String, Node> nodes = new LinkedHashMap<>();
        nodes.put(TOFU_INIT, new Node(TOFU_INIT, null, List.of(Phase.PREFLIGHT.id())));
        for (FlowStep step : flow.steps()) {
            List<String> needs = new ArrayList<>();
            if (step.isGate()) {
                needs.add(step.phase().id());
            } else {
                Gate gate = flow.gateBefore(step.phase());
                if (gate != null) {
                    needs.add("gate-" + gate.id());
                }
                for (Phase need : flow.startsAfter(step.phase())) {
                    // A gated plan is waited for through its gate.
                    Gate after = DeployFlow.gateAfter(need);
                    if (after == null || after != gate) {
                        needs.add(need.id());
                    }
                }
                if (step.phase() == Phase.SERVICES_PLAN) {
                    needs.add(TOFU_INIT);
                    if (flow.plansGatewayWithServices()) {
                        needs.add(Phase.GATEWAY_BUILD.id());
                    }
                }
            }
            nodes.put(step.id(), new Node(step.id(), step, needs));
        }
        return new FlowGraph(nodes);
    }

    /** In the flow's order, {@value #TOFU_INIT} first. */
    public List<Node> nodes() {
        return List.copyOf(nodes.values());
    }

    public Node node(String id) {
        Node node = nodes.get(id);
        if (node == null) {
            throw new IllegalArgumentException("no node " + id);
        }
        return node;
    }

    /** The longest chain of needs, each node costing {@code cost}: the shortest a run can take. */
    public Duration criticalPath(Function<Node, Duration> cost) {
        Map<String, Duration> finish = new LinkedHashMap<>();
        Duration longest = Duration.ZERO;
        for (Node node : ordered()) {
            Duration start = node.needs().stream().map(finish::get).max(Duration::compareTo).orElse(Duration.ZERO);
            Duration end = start.plus(cost.apply(node));
            finish.put(node.id(), end);
            longest = end.compareTo(longest) > 0 ? end : longest;
        }
        return longest;
    }

    /** Every node one after another: what a run that follows the flow as a chain takes. */
    public Duration chain(Function<Node, Duration> cost) {
        return nodes.values().stream().map(cost).reduce(Duration.ZERO, Duration::plus);
    }

    /** A topological order (the flow's, with each node after its needs). */
    private List<Node> ordered() {
        List<Node> out = new ArrayList<>();
        List<String> done = new ArrayList<>();
        while (out.size() < nodes.size()) {
            boolean progressed = false;
            for (Node node : nodes.values()) {
                if (!done.contains(node.id()) && done.containsAll(node.needs())) {
                    out.add(node);
                    done.add(node.id());
                    progressed = true;
                }
            }
            if (!progressed) {
                throw new IllegalStateException("the flow's needs form a cycle: " + nodes.keySet());
            }
        }
        return out;
    }
}
