package io.jenkins.plugins.mmdeploy.approval;

import hudson.model.Action;
import hudson.model.Run;
import io.mmdeploy.engine.approval.ApprovalLedger;
import io.mmdeploy.engine.approval.RecordedApproval;
import io.mmdeploy.engine.config.ApprovalPolicy.Gate;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The approvals given at this build's gates, kept on the build by the gate's Java code and saved with it: the engine's
 * {@link ApprovalLedger} for the build. A pipeline script, a Replay or a workspace file cannot write here (no step and
 * no whitelisted method adds to it), so a gated apply cannot be talked into running with a hash alone.
 */
public final class GateApprovals implements Action {
    private final List<Entry> entries = new CopyOnWriteArrayList<>();

    // No icon, no display name, no URL: Jenkins shows no page for it (what InvisibleAction does).
    @Override
    public String getIconFileName() {
        return null;
    }

    @Override
    public String getDisplayName() {
        return null;
    }

    @Override
    public String getUrlName() {
        return null;
    }

    /** One approval, as plain fields (saved in build.xml). */
    static final class Entry {
        final String environment;
        final String gate;
        final String planHash;
        final String approver;
        final long atMillis;

        Entry(RecordedApproval approval) {
            environment = approval.environment();
            gate = approval.gate().id();
            planHash = approval.planHash();
            approver = approval.approver();
            atMillis = approval.at().toEpochMilli();
        }

        RecordedApproval approval() {
            Gate g = Gate.valueOf(gate.toUpperCase(java.util.Locale.ROOT));
            return new RecordedApproval(environment, g, planHash, approver, Instant.ofEpochMilli(atMillis));
        }
    }

    /** Adds the approval to the build (creating the action on first use) and saves the build, so a restart keeps it. */
    static void record(Run<?, ?> run, RecordedApproval approval) throws IOException {
        GateApprovals approvals;
        synchronized (run) {
            approvals = run.getAction(GateApprovals.class);
            if (approvals == null) {
                approvals = new GateApprovals();
                run.addAction(approvals);
            }
        }
        approvals.entries.add(new Entry(approval));
        run.save();
    }

    /** Every approval recorded on the build, in the order they were given (the build's "Deployment" page lists them). */
    public static List<RecordedApproval> recorded(Run<?, ?> run) {
        GateApprovals approvals = run.getAction(GateApprovals.class);
        return approvals == null ? List.of() : approvals.entries.stream().map(Entry::approval).toList();
    }

    /** The build's approvals as the engine reads them: the latest for the plan. */
    public static ApprovalLedger ledger(Run<?, ?> run) {
        return (environment, gate, planHash) -> recorded(run).stream()
                .filter(a -> a.environment().equals(environment) && a.gate() == gate && a.planHash().equals(planHash))
                .reduce((first, later) -> later);
    }
}
