package io.mmdeploy.engine.approval;

import java.util.List;

/**
 * What the approver of a gate is shown: the run's open plan of the phase the gate stands before.
 *
 * @param gate the gate's id ({@code services} or {@code gateway})
 * @param planHash the saved plan's SHA-256; an approval is of exactly this hash
 * @param summaryText the plan summary as text (preformatted; it holds newlines)
 * @param imageChanges each image the plan changes, as {@code address: before -> after}
 * @param changed whether the plan changes anything
 * @param automatic the plan passes without a person: the policy has no such gate, or the plan changes nothing
 * @param alreadyApplied a rerun past a gate already passed: the plan it approved is applied, nothing is asked
 */
public record GatePlan(String gate, String planHash, String summaryText, List<String> imageChanges, boolean changed,
        boolean automatic, boolean alreadyApplied) {
    public GatePlan {
        imageChanges = List.copyOf(imageChanges);
    }
}
