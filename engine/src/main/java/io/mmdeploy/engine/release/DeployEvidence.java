package io.mmdeploy.engine.release;

import io.mmdeploy.engine.images.ImageRef;
import io.mmdeploy.engine.release.ReleaseRecord.Approval;
import io.mmdeploy.engine.release.ReleaseRecord.MigrationRun;
import io.mmdeploy.engine.release.ReleaseRecord.PlanRecord;
import io.mmdeploy.engine.release.ReleaseRecord.SmokeCheck;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the stages of one deploy hand to its release record.
 *
 * @param images the images of this deploy by service (and gateway) name; those not reached yet are absent
 * @param vulnerabilities the vulnerability gate's counts by severity, by service (and gateway) name; empty without a gate
 * @param smokeTests the smoke tests it ran, with their results
 * @param rollout the canary steps it took; empty without a rollout policy
 */
public record DeployEvidence(Map<String, ImageRef> images, List<PlanRecord> plans, List<Approval> approvals, List<MigrationRun> migrations,
        Map<String, Map<String, Integer>> vulnerabilities, List<SmokeCheck> smokeTests, List<ReleaseRecord.RolloutStep> rollout) {
    public DeployEvidence {
        images = Collections.unmodifiableMap(new LinkedHashMap<>(images));
        plans = List.copyOf(plans);
        approvals = List.copyOf(approvals);
        migrations = List.copyOf(migrations);
        vulnerabilities = Map.copyOf(vulnerabilities);
        smokeTests = List.copyOf(smokeTests);
        rollout = List.copyOf(rollout);
    }

    /** Evidence of a deploy without a vulnerability gate, smoke tests or a canary. */
    public DeployEvidence(Map<String, ImageRef> images, List<PlanRecord> plans, List<Approval> approvals, List<MigrationRun> migrations) {
        this(images, plans, approvals, migrations, Map.of(), List.of(), List.of());
    }
}
