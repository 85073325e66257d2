package io.mmdeploy.engine.steps;

import io.mmdeploy.engine.config.ApprovalPolicy.Gate;
import io.mmdeploy.engine.config.EnvironmentSpec;
import io.mmdeploy.engine.diagnostics.DeployException;
import io.mmdeploy.engine.flow.DeployFlow;
import io.mmdeploy.engine.flow.Phase;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The flow's rule at the door of every phase: it starts only when the phases it needs succeeded in this same run.
 * A refusal names what is missing and the step that provides it, and comes before anything changes.
 */
final class FlowGuard {
    private FlowGuard() {}

    static void require(DeployFlow flow, EnvironmentSpec env, Phase phase, RunJournal.Entry entry) {
        require(flow, env, phase, entry, flow.prerequisites(phase));
    }

    /** @param needs the phases that must have succeeded: the prerequisites, or what a graph run starts the phase after */
    static void require(DeployFlow flow, EnvironmentSpec env, Phase phase, RunJournal.Entry entry, List<Phase> needs) {
        if (entry.release() == null) {
            throw refusal(flow, env, phase, "no run was started in this workspace", Phase.PREFLIGHT);
        }
        for (Phase need : needs) {
            if (!entry.succeeded(need)) {
                RunJournal.PhaseRecord record = entry.phase(need);
                String state = record == null ? "has not run" : "is " + record.status().toLowerCase(java.util.Locale.ROOT);
                throw refusal(flow, env, phase, need.title() + " " + state + " in this run (release " + entry.release() + ")", need);
            }
        }
    }

    static DeployException refusal(DeployFlow flow, EnvironmentSpec env, Phase phase, String missing, Phase provider) {
        return DeployException.of("Refusing " + phase.title() + " in " + env.name() + ": " + missing,
                provider.step() + " provides it. A deploy runs its phases in this order: "
                        + flow.steps().stream().map(s -> s.title()).collect(Collectors.joining(" → ")) + ". Nothing was changed.");
    }

    static DeployException notApproved(EnvironmentSpec env, Phase phase, Gate gate, String planHash) {
        return DeployException.of("Refusing " + phase.title() + " in " + env.name() + ": the " + gate.id() + " plan " + shortHash(planHash)
                        + " has no recorded approval",
                "The " + env.name() + " policy asks a person to approve that plan first, and a plan hash alone is not an approval:"
                        + " the host records who approved which plan (Jenkins: mmApprovalGate; mmdeploy deploy: the answer at the terminal,"
                        + " or --approve-plan " + gate.id() + "=<hash> for a plan reviewed earlier). Nothing was changed.");
    }

    static String shortHash(String hash) {
        return hash == null ? "(none)" : hash.substring(0, Math.min(12, hash.length()));
    }
}
