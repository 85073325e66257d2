package io.mmdeploy.engine.steps;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.mmdeploy.engine.diagnostics.DeployException;
import io.mmdeploy.engine.flow.Phase;
import io.mmdeploy.engine.images.ImageRef;
import io.mmdeploy.engine.port.Workspace;
import io.mmdeploy.engine.release.ReleaseRecord;
import io.mmdeploy.engine.release.ReleaseRecord.MigrationRun;
import io.mmdeploy.engine.release.ReleaseRecord.PlanRecord;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The state machine of one run (a deploy or a rollback), kept in the workspace between its steps: each step is a
 * separate call with nothing in memory from the one before. mmPreflight starts it with the release id; each phase
 * records that it ran, with what inputs and what it produced (images, plans, migrations as they run); the flow's
 * guard reads it to refuse a phase whose prerequisites did not run in this run. Approvals are not trusted from here:
 * the host's ledger holds them; the copies below only go into the release record. It holds no secret: images,
 * hashes, redacted plan summaries, user ids.
 */
public final class RunJournal {
    static final String DIR = ".mm-deploy";
    public static final String RUNNING = "RUNNING";
    public static final String SUCCEEDED = "SUCCEEDED";
    public static final String FAILED = "FAILED";
    private static final ObjectMapper JSON = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private final Workspace workspace;
    private final Lock lock;

    /** A journal no other step shares (a test's, a reader's). */
    public RunJournal(Workspace workspace) {
        this(workspace, new ReentrantLock());
    }

    /** @param lock shared by every step that may run at once in this workspace (see {@link StepHost#journalLock}) */
    public RunJournal(Workspace workspace, Lock lock) {
        this.workspace = workspace;
        this.lock = lock;
    }

    /** Runs {@code body} holding the journal's lock: a read-modify-write is never interleaved with another step's. */
    private <T> T locked(Supplier<T> body) {
        lock.lock();
        try {
            return body.get();
        } finally {
            lock.unlock();
        }
    }

    /**
     * How one phase of the run went.
     *
     * @param status {@link #RUNNING}, {@link #SUCCEEDED} or {@link #FAILED}
     * @param inputs a fingerprint of what it read: a rerun skips a succeeded phase only while this is unchanged
     * @param detail what it produced or why it failed, in a few words
     */
    public record PhaseRecord(String status, String inputs, Instant at, String detail) {
        public boolean succeeded() {
            return SUCCEEDED.equals(status);
        }
    }

    /**
     * A saved plan waiting for its apply.
     *
     * @param hash the plan file's SHA-256: what an approval names
     * @param liveRelease the release that was live when it was planned; another one live by the apply makes it stale
     * @param imageChanges each image variable the plan changes, as {@code variable: before -> after}
     * @param consumed an apply was attempted: a plan is applied once, a rerun plans again
     * @param gatewayImage the gateway image a services plan carries (an ungated environment plans it with the services
     *     when it was built with their current URLs); null for none
     */
    public record PendingPlan(String hash, String liveRelease, boolean changed, List<String> imageChanges, boolean consumed,
            String gatewayImage) {
        public PendingPlan {
            imageChanges = imageChanges == null ? List.of() : List.copyOf(imageChanges);
        }

        /** The same plan, marked as used by an apply. */
        PendingPlan consume() {
            return new PendingPlan(hash, liveRelease, changed, imageChanges, true, gatewayImage);
        }
    }

    /**
     * The journal's content.
     *
     * @param release the release id mmPreflight chose; null when no preflight ran in this workspace
     * @param kind {@code deploy} or {@code rollback}, set by mmRelease start
     * @param commit the commit being deployed; null outside git
     * @param baseline the release live when the run started (what an automatic revert goes back to); null for none
     * @param attempt 1 for the first try of this release, +1 for every rerun that continues it
     * @param started the record stored when the run started; null before
     * @param finished the record stored when it ended; null before
     * @param rollback the record of the rollback mmRollback made in this run; null when none
     * @param images by service or gateway name
     * @param phases by phase id
     * @param pending the saved plans by the id of the phase that made them
     * @param vulnerabilities the vulnerability gate's counts by severity, by service (and gateway) name
     * @param smokeTests the results of the latest smoke tests of this run
     * @param rollout the canary steps of this run's services apply
     */
    public record Entry(String release, String kind, String commit, String baseline, int attempt, ReleaseRecord started,
            ReleaseRecord finished, ReleaseRecord rollback, Map<String, StoredImage> images, List<PlanRecord> plans,
            List<ReleaseRecord.Approval> approvals, List<MigrationRun> migrations, Map<String, PhaseRecord> phases,
            Map<String, PendingPlan> pending, Map<String, Map<String, Integer>> vulnerabilities,
            List<ReleaseRecord.SmokeCheck> smokeTests, List<ReleaseRecord.RolloutStep> rollout) {
        public Entry {
            vulnerabilities = vulnerabilities == null ? new LinkedHashMap<>() : new LinkedHashMap<>(vulnerabilities);
            images = images == null ? new LinkedHashMap<>() : new LinkedHashMap<>(images);
            plans = plans == null ? List.of() : List.copyOf(plans);
            approvals = approvals == null ? List.of() : List.copyOf(approvals);
            migrations = migrations == null ? List.of() : List.copyOf(migrations);
            phases = phases == null ? new LinkedHashMap<>() : new LinkedHashMap<>(phases);
            pending = pending == null ? new LinkedHashMap<>() : new LinkedHashMap<>(pending);
            smokeTests = smokeTests == null ? List.of() : List.copyOf(smokeTests);
            rollout = rollout == null ? List.of() : List.copyOf(rollout);
        }

        static Entry begin(String release, String commit, String baseline, int attempt) {
            return new Entry(release, null, commit, baseline, attempt, null, null, null, null, null, null, null, null, null, null, null, null);
        }

        /** A changed copy: the change edits a draft of this entry. */
        Entry with(Consumer<Draft> change) {
            Draft d = new Draft(this);
            change.accept(d);
            return d.build();
        }

        /** The images as later steps reuse them ({@code built} false). */
        public Map<String, ImageRef> imageRefs() {
            Map<String, ImageRef> out = new LinkedHashMap<>();
            images.forEach((name, s) -> out.put(name, new ImageRef(name, s.repository(), s.tags(), s.digest(), false, s.promotedFrom())));
            return out;
        }

        public PhaseRecord phase(Phase phase) {
            return phases.get(phase.id());
        }

        public boolean succeeded(Phase phase) {
            PhaseRecord record = phases.get(phase.id());
            return record != null && record.succeeded();
        }

        /** The saved plan of a plan phase that no apply has used yet. */
        public PendingPlan openPlan(Phase planPhase) {
            PendingPlan plan = pending.get(planPhase.id());
            return plan == null || plan.consumed() ? null : plan;
        }

    }

    /** An Entry being changed; {@link #build()} makes the new one. */
    static final class Draft {
        String kind;
        String baseline;
        ReleaseRecord started;
        ReleaseRecord finished;
        ReleaseRecord rollback;
        final Map<String, StoredImage> images;
        final List<PlanRecord> plans;
        final List<ReleaseRecord.Approval> approvals;
        final List<MigrationRun> migrations;
        final Map<String, PhaseRecord> phases;
        final Map<String, PendingPlan> pending;
        final Map<String, Map<String, Integer>> vulnerabilities;
        List<ReleaseRecord.SmokeCheck> smokeTests;
        List<ReleaseRecord.RolloutStep> rollout;
        private final Entry base;

        Draft(Entry base) {
            this.base = base;
            kind = base.kind();
            baseline = base.baseline();
            started = base.started();
            finished = base.finished();
            rollback = base.rollback();
            images = new LinkedHashMap<>(base.images());
            plans = new ArrayList<>(base.plans());
            approvals = new ArrayList<>(base.approvals());
            migrations = new ArrayList<>(base.migrations());
            phases = new LinkedHashMap<>(base.phases());
            pending = new LinkedHashMap<>(base.pending());
            vulnerabilities = new LinkedHashMap<>(base.vulnerabilities());
            smokeTests = base.smokeTests();
            rollout = base.rollout();
        }

        void images(List<ImageRef> refs) {
            refs.forEach(ref -> images.put(ref.service(), StoredImage.of(ref)));
        }

        void phase(Phase phase, String status, String inputs, Instant at, String detail) {
            phases.put(phase.id(), new PhaseRecord(status, inputs, at, detail));
        }

        Entry build() {
            return new Entry(base.release(), kind, base.commit(), baseline, base.attempt(), started, finished, rollback, images,
                    plans, approvals, migrations, phases, pending, vulnerabilities, smokeTests, rollout);
        }
    }

    /** The part of an ImageRef that outlives the step that made it. */
    public record StoredImage(String repository, List<String> tags, String digest, ImageRef.PromotedFrom promotedFrom) {
        static StoredImage of(ImageRef ref) {
            return new StoredImage(ref.repository(), ref.tags(), ref.digest(), ref.promotedFrom());
        }
    }

    static String file(String environment) {
        return DIR + "/" + environment + ".run.json";
    }

    /** The journal of the environment's current run; an empty one when none was started here. */
    public Entry read(String environment) {
        return locked(() -> {
            try {
                return workspace.readText(file(environment)).map(text -> parse(environment, text)).orElse(Entry.begin(null, null, null, 0));
            } catch (IOException e) {
                throw unreadable(environment, e.getMessage());
            }
        });
    }

    /** Starts a new run: whatever an earlier build left in this workspace is forgotten. */
    void begin(String environment, String release, String commit, String baseline) {
        locked(() -> write(environment, Entry.begin(release, commit, baseline, 1)));
    }

    /**
     * A rerun of a run that did not succeed: what succeeded is kept (images, plans, migrations, phases), and so is the
     * baseline it started from; it gets a release id of its own, because the failed attempt's record is history.
     */
    Entry resume(String environment, String release) {
        return locked(() -> {
            Entry before = read(environment);
            Entry resumed = new Entry(release, before.kind(), before.commit(), before.baseline(), before.attempt() + 1,
                    null, null, null, before.images(), before.plans(), before.approvals(), before.migrations(),
                    before.phases(), before.pending(), before.vulnerabilities(), before.smokeTests(), before.rollout());
            return write(environment, resumed);
        });
    }

    // Phases of one run may end at once (mmdeploy deploy runs the flow as a graph, a Pipeline runs parallel branches):
    // one change at a time.
    void update(String environment, Consumer<Draft> change) {
        locked(() -> write(environment, read(environment).with(change)));
    }

    private Entry write(String environment, Entry entry) {
        try {
            workspace.writeText(file(environment), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(entry) + "\n");
            return entry;
        } catch (IOException e) {
            throw DeployException.of("Cannot write " + file(environment) + " in " + workspace.describe(), String.valueOf(e.getMessage()));
        }
    }

    private Entry parse(String environment, String text) {
        try {
            return JSON.readValue(text, Entry.class);
        } catch (IOException e) {
            throw unreadable(environment, e.getMessage());
        }
    }

    private DeployException unreadable(String environment, String why) {
        return DeployException.of("Cannot read " + file(environment) + " in " + workspace.describe(),
                "It holds what this run has done so far; it is written only by mm-deploy. Start the deploy again. (" + why + ")");
    }
}
