package io.mmdeploy.engine.steps;

import io.mmdeploy.engine.release.ReleaseRecord;
import io.mmdeploy.engine.release.RollbackPlan;
import java.util.List;

/** mmRollback's result: the services whose traffic moved, whether what moved is healthy, and the rollback's record. */
public record RollbackOutcome(List<RollbackPlan.Move> moved, boolean healthy, ReleaseRecord record) {
    public RollbackOutcome {
        moved = List.copyOf(moved);
    }

    public String release() {
        return record.id();
    }
}
