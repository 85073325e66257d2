package io.mmdeploy.engine.steps;

import io.mmdeploy.engine.config.ApprovalPolicy;
import java.util.List;

/**
 * mmPreflight's result: the run started (or continued) under this release id.
 *
 * @param resumed a rerun of the same commit continues the earlier run: phases that succeeded with the same inputs are kept
 * @param phases the flow's phase titles, in order (the pipeline's stages)
 */
public record PreflightResult(String environment, String release, ApprovalPolicy approval, String alias, boolean resumed,
        List<String> phases) {
    public PreflightResult {
        phases = List.copyOf(phases);
    }
}
