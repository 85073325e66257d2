package io.mmdeploy.engine.steps;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.mmdeploy.engine.approval.Approval;
import io.mmdeploy.engine.diagnostics.DeployException;
import io.mmdeploy.engine.images.ImageRef;
import io.mmdeploy.engine.port.Workspace;
import io.mmdeploy.engine.release.ReleaseRecord;
import io.mmdeploy.engine.release.ReleaseRecord.MigrationRun;
import io.mmdeploy.engine.release.ReleaseRecord.PlanRecord;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * What one run (a deploy or a rollback) has done so far, kept in the workspace between its steps: each step is a
 * separate call with nothing in memory from the one before. mmPreflight starts it with the release id; the build
 * step adds the images, the migrations their executions, each apply its plan, each gate its approval; mmRelease
 * turns it into the release record. It holds no secret: images, hashes, redacted plan summaries, user ids.
 */
public final class RunJournal {
    static final String DIR = ".mm-deploy";
    private static final ObjectMapper JSON = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private final Workspace workspace;

    public RunJournal(Workspace workspace) {
        this.workspace = workspace;
    }

    /**
     * The journal's content.
     *
     * @param release the release id mmPreflight chose; null when no preflight ran in this workspace
     * @param kind {@code deploy} or {@code rollback}, set by mmRelease start
     * @param started the record stored when the run started; null before
     * @param finished the record stored when it ended; null before
     * @param rollback the record of the rollback mmRollback made in this run; null when none
     * @param images by service or gateway name
     */
    public record Entry(String release, String kind, ReleaseRecord started, ReleaseRecord finished, ReleaseRecord rollback,
            Map<String, StoredImage> images, List<PlanRecord> plans, List<ReleaseRecord.Approval> approvals, List<MigrationRun> migrations) {
        public Entry {
            images = images == null ? new LinkedHashMap<>() : new LinkedHashMap<>(images);
            plans = plans == null ? List.of() : List.copyOf(plans);
            approvals = approvals == null ? List.of() : List.copyOf(approvals);
            migrations = migrations == null ? List.of() : List.copyOf(migrations);
        }

        static Entry begin(String release) {
            return new Entry(release, null, null, null, null, null, null, null, null);
        }

        Entry withKind(String newKind, ReleaseRecord newStarted) {
            return new Entry(release, newKind, newStarted, finished, rollback, images, plans, approvals, migrations);
        }

        Entry withFinished(ReleaseRecord newFinished) {
            return new Entry(release, kind, started, newFinished, rollback, images, plans, approvals, migrations);
        }

        Entry withRollback(ReleaseRecord newRollback) {
            return new Entry(release, kind, started, finished, newRollback, images, plans, approvals, migrations);
        }

        Entry withImages(List<ImageRef> refs) {
            Map<String, StoredImage> all = new LinkedHashMap<>(images);
            refs.forEach(ref -> all.put(ref.service(), StoredImage.of(ref)));
            return new Entry(release, kind, started, finished, rollback, all, plans, approvals, migrations);
        }

        Entry withPlan(PlanRecord plan) {
            List<PlanRecord> all = new ArrayList<>(plans);
            all.add(plan);
            return new Entry(release, kind, started, finished, rollback, images, all, approvals, migrations);
        }

        Entry withApproval(ReleaseRecord.Approval approval) {
            List<ReleaseRecord.Approval> all = new ArrayList<>(approvals);
            all.add(approval);
            return new Entry(release, kind, started, finished, rollback, images, plans, all, migrations);
        }

        Entry withMigrations(List<MigrationRun> runs) {
            List<MigrationRun> all = new ArrayList<>(migrations);
            all.addAll(runs);
            return new Entry(release, kind, started, finished, rollback, images, plans, approvals, all);
        }

        /** The images as later steps reuse them ({@code built} false). */
        public Map<String, ImageRef> imageRefs() {
            Map<String, ImageRef> out = new LinkedHashMap<>();
            images.forEach((name, s) -> out.put(name, new ImageRef(name, s.repository(), s.tags(), s.digest(), false)));
            return out;
        }
    }

    /** The part of an ImageRef that outlives the step that made it. */
    public record StoredImage(String repository, List<String> tags, String digest) {
        static StoredImage of(ImageRef ref) {
            return new StoredImage(ref.repository(), ref.tags(), ref.digest());
        }
    }

    static String file(String environment) {
        return DIR + "/" + environment + ".run.json";
    }

    /** The journal of the environment's current run; an empty one when none was started here. */
    public Entry read(String environment) {
        try {
            return workspace.readText(file(environment)).map(text -> parse(environment, text)).orElse(Entry.begin(null));
        } catch (IOException e) {
            throw unreadable(environment, e.getMessage());
        }
    }

    /** Starts a new run: whatever an earlier build left in this workspace is forgotten. */
    void begin(String environment, String release) {
        write(environment, Entry.begin(release));
    }

    /** The gate's decision, for the release record (hosts call it when a gate passes). */
    public void approved(String environment, Approval approval) {
        update(environment, e -> e.withApproval(ReleaseRecord.Approval.of(approval)));
    }

    void update(String environment, UnaryOperator<Entry> change) {
        write(environment, change.apply(read(environment)));
    }

    private void write(String environment, Entry entry) {
        try {
            workspace.writeText(file(environment), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(entry) + "\n");
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
