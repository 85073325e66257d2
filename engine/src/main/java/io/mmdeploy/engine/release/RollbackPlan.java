package io.mmdeploy.engine.release;

import io.mmdeploy.engine.release.ReleaseRecord.Commit;
import io.mmdeploy.engine.release.ReleaseRecord.ImageRecord;
import java.util.ArrayList;
import java.util.List;

/**
 * The traffic moves of one rollback, checked and ordered, before anything moved.
 *
 * @param fromRelease the newest release when the plan was made
 * @param toRelease the release restored; null when one service was sent to a named revision
 * @param commit the restored release's commit; null when unknown
 * @param direction back (to an older state) or forward
 * @param moves in the order they run: the gateway first going back, last going forward
 * @param warnings what the person should know (services left as they are, a forced migration guard)
 * @param forced whether the migration guard was overridden
 */
public record RollbackPlan(String environment, String fromRelease, String toRelease, Commit commit, Direction direction,
        List<Move> moves, List<String> warnings, boolean forced) {

    public enum Direction {
        BACK,
        FORWARD
    }

    public RollbackPlan {
        moves = List.copyOf(moves);
        warnings = List.copyOf(warnings);
    }

    /**
     * One service's move.
     *
     * @param from where its traffic goes now, e.g. {@code agent-service-00042-abc=100}
     * @param toRevision the revision that will take all traffic
     * @param image that revision's image
     */
    public record Move(String service, String cloudRunService, boolean gateway, String from, String toRevision, ImageRecord image) {
        /** False when the service already sends all traffic to the target revision. */
        public boolean changes() {
            return !from.equals(toRevision + "=100");
        }
    }

    public List<Move> changing() {
        return moves.stream().filter(Move::changes).toList();
    }

    /** For people: one line per move, then the warnings. */
    public String describe() {
        List<String> lines = new ArrayList<>();
        lines.add("Rollback of " + environment + " " + (direction == Direction.BACK ? "back" : "forward") + " to "
                + (toRelease == null ? "named revisions" : "release " + toRelease) + " (newest release: " + fromRelease + ")");
        for (Move m : moves) {
            lines.add(String.format("  %-10s %s -> %s%s", m.service(), m.from(), m.toRevision(), m.changes() ? "" : " (unchanged)"));
        }
        warnings.forEach(w -> lines.add("  warning: " + w));
        return String.join("\n", lines) + "\n";
    }
}
