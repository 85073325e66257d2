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
 * @param people the names and e-mails of the authors and committers of the commits this run deploys (since the
 *     environment's live release; see {@code SourceTree#people}), whom four eyes refuses; none outside git
 */
public record GatePlan(String gate, String planHash, String summaryText, List<String> imageChanges, boolean changed,
        boolean automatic, boolean alreadyApplied, List<String> people) {
    public GatePlan {
        imageChanges = List.copyOf(imageChanges);
        people = List.copyOf(people);
    }
}
