package io.mmdeploy.engine.steps;

import io.mmdeploy.engine.tofu.ApplyTofu;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A plan or an apply of the run's tofu phase.
 *
 * @param counts action → resource instances; empty when nothing was planned now (skipped)
 * @param applied the plan was applied (now, or earlier in this run when {@code skipped})
 * @param skipped nothing was run: already applied in this run with the same images
 * @param imageChanges each image the plan changes, as {@code address: before -> after}
 * @param outputs the apply's outputs, sensitive ones redacted
 */
public record TofuResult(String planHash, String summaryText, Map<String, Integer> counts, boolean changed, boolean applied,
        boolean skipped, List<String> imageChanges, Map<String, Object> outputs) {
    public TofuResult {
        counts = Collections.unmodifiableMap(new LinkedHashMap<>(counts));
        imageChanges = List.copyOf(imageChanges);
        outputs = outputs == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(outputs));
    }

    static TofuResult of(ApplyTofu.Outcome outcome, List<String> imageChanges) {
        return new TofuResult(outcome.summary().planHash(), outcome.summary().renderText(), outcome.summary().counts(),
                outcome.summary().changed(), outcome.applied(), false, imageChanges,
                outcome.outputs() == null ? Map.of() : outcome.outputs().redacted());
    }

    static TofuResult alreadyApplied(String planHash, String summaryText, List<String> imageChanges) {
        return new TofuResult(planHash, summaryText, Map.of(), false, true, true, imageChanges, Map.of());
    }
}
