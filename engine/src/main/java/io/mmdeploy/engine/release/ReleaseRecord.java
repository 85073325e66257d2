package io.mmdeploy.engine.release;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import io.mmdeploy.engine.config.EnvironmentSpec;
import io.mmdeploy.engine.images.ImageRef;
import io.mmdeploy.engine.migrations.MigrationResult;
import io.mmdeploy.engine.source.Revision;
import io.mmdeploy.engine.tofu.PlanSummary;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What one deploy or rollback of an environment left live: the immutable record "roll back to the last good
 * release" reads. Written when the run starts ({@link Status#IN_PROGRESS}) and again, under the same id, when it
 * ends; a record that stays in progress is a run that crashed. The JSON form is described by
 * {@code resources/mm-release.schema.json} (version {@value #SCHEMA_VERSION}). It holds no secret value:
 * the store refuses to write one that contains any value of the run's secret mask.
 *
 * @param schemaVersion the record format's version
 * @param id unique in its environment, sortable by start time ({@code 20261122-044432-abc1234})
 * @param kind deploy or rollback
 * @param environment the environment's name
 * @param projectId the environment's GCP project, where the record is stored
 * @param commit the commit deployed; for a rollback, the restored release's commit; null when unknown
 * @param startedAt when the run started
 * @param finishedAt when it ended; null while in progress
 * @param outcome how it ended
 * @param services each service's image and the revision serving it, in config order
 * @param gateway the gateway likewise; null when the app has none
 * @param plans the OpenTofu plans applied (redacted summaries and hashes)
 * @param approvals who let each gated phase go on
 * @param migrations the migration executions this run started
 * @param rollback for a rollback: what it rolled back from and to; null for a deploy
 * @param smokeTests each smoke test this deploy ran and how it ended (no header value, no body)
 * @param rollout each canary step this deploy took (its environment's {@code rollout}), in order; empty without one
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"schemaVersion", "id", "kind", "environment", "projectId", "commit", "startedAt", "finishedAt", "outcome",
        "services", "gateway", "plans", "approvals", "migrations", "rollback", "smokeTests", "rollout"})
public record ReleaseRecord(
        int schemaVersion,
        String id,
        Kind kind,
        String environment,
        String projectId,
        Commit commit,
        Instant startedAt,
        Instant finishedAt,
        Outcome outcome,
        List<ServiceRelease> services,
        ServiceRelease gateway,
        List<PlanRecord> plans,
        List<Approval> approvals,
        List<MigrationRun> migrations,
        RollbackDetail rollback,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<SmokeCheck> smokeTests,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<RolloutStep> rollout) {

    public static final int SCHEMA_VERSION = 1;
    private static final DateTimeFormatter ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

    public enum Kind {
        @JsonProperty("deploy") DEPLOY,
        @JsonProperty("rollback") ROLLBACK
    }

    public enum Status {
        @JsonProperty("in_progress") IN_PROGRESS,
        @JsonProperty("succeeded") SUCCEEDED,
        @JsonProperty("failed") FAILED,
        /** Failed, and the pipeline moved the traffic back to the last good revisions. */
        @JsonProperty("rolled_back") ROLLED_BACK
    }

    public ReleaseRecord {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(environment, "environment");
        Objects.requireNonNull(startedAt, "startedAt");
        Objects.requireNonNull(outcome, "outcome");
        services = services == null ? List.of() : List.copyOf(services);
        plans = plans == null ? List.of() : List.copyOf(plans);
        approvals = approvals == null ? List.of() : List.copyOf(approvals);
        migrations = migrations == null ? List.of() : List.copyOf(migrations);
        smokeTests = smokeTests == null ? List.of() : List.copyOf(smokeTests);
        rollout = rollout == null ? List.of() : List.copyOf(rollout);
    }

    /** A new id from the start time and, for a deploy, the commit: ids sort in start order. */
    public static String newId(Instant startedAt, String suffix) {
        return ID_TIME.format(startedAt) + "-" + suffix;
    }

    /** The record written when a run starts. */
    public static ReleaseRecord started(String id, Kind kind, EnvironmentSpec env, Commit commit, Instant at) {
        return new ReleaseRecord(SCHEMA_VERSION, id, kind, env.name(), env.projectId(), commit, at, null,
                Outcome.inProgress(), List.of(), null, List.of(), List.of(), List.of(), null, List.of(), List.of());
    }

    public ReleaseRecord withServing(List<ServiceRelease> serving, ServiceRelease gatewayServing) {
        return new ReleaseRecord(schemaVersion, id, kind, environment, projectId, commit, startedAt, finishedAt, outcome,
                serving, gatewayServing, plans, approvals, migrations, rollback, smokeTests, rollout);
    }

    public ReleaseRecord withEvidence(List<PlanRecord> newPlans, List<Approval> newApprovals, List<MigrationRun> newMigrations) {
        return new ReleaseRecord(schemaVersion, id, kind, environment, projectId, commit, startedAt, finishedAt, outcome,
                services, gateway, newPlans, newApprovals, newMigrations, rollback, smokeTests, rollout);
    }

    public ReleaseRecord withRollback(RollbackDetail detail) {
        return new ReleaseRecord(schemaVersion, id, kind, environment, projectId, commit, startedAt, finishedAt, outcome,
                services, gateway, plans, approvals, migrations, detail, smokeTests, rollout);
    }

    public ReleaseRecord finished(Outcome end, Instant at) {
        if (end.status() == Status.IN_PROGRESS) {
            throw new IllegalArgumentException("a finished release needs a final status");
        }
        return new ReleaseRecord(schemaVersion, id, kind, environment, projectId, commit, startedAt, at, end,
                services, gateway, plans, approvals, migrations, rollback, smokeTests, rollout);
    }

    public ReleaseRecord withSmokeTests(List<SmokeCheck> checks) {
        return new ReleaseRecord(schemaVersion, id, kind, environment, projectId, commit, startedAt, finishedAt, outcome,
                services, gateway, plans, approvals, migrations, rollback, checks, rollout);
    }

    public ReleaseRecord withRollout(List<RolloutStep> steps) {
        return new ReleaseRecord(schemaVersion, id, kind, environment, projectId, commit, startedAt, finishedAt, outcome,
                services, gateway, plans, approvals, migrations, rollback, smokeTests, steps);
    }

    @JsonIgnore
    public boolean succeeded() {
        return outcome.status() == Status.SUCCEEDED;
    }

    @JsonIgnore
    public boolean inProgress() {
        return outcome.status() == Status.IN_PROGRESS;
    }

    /** The services, then the gateway. */
    @JsonIgnore
    public List<ServiceRelease> serving() {
        List<ServiceRelease> all = new ArrayList<>(services);
        if (gateway != null) {
            all.add(gateway);
        }
        return all;
    }

    public Optional<ServiceRelease> serving(String name) {
        return serving().stream().filter(s -> s.name().equals(name)).findFirst();
    }

    /** The deployed commit. */
    public record Commit(String sha, String branch, Instant committedAt) {
        public static Commit of(Revision revision) {
            return new Commit(revision.sha(), revision.branch(), revision.commitTime());
        }

        @JsonIgnore
        public String shortSha() {
            return sha.substring(0, Math.min(7, sha.length()));
        }
    }

    /**
     * How the run ended.
     *
     * @param failedPhase the phase that failed (e.g. {@code migrations}, {@code health}); null unless failed
     * @param detail one line on why; never a secret
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Outcome(Status status, String failedPhase, String detail) {
        public Outcome {
            Objects.requireNonNull(status, "status");
        }

        public static Outcome inProgress() {
            return new Outcome(Status.IN_PROGRESS, null, null);
        }

        public static Outcome succeeded() {
            return new Outcome(Status.SUCCEEDED, null, null);
        }

        public static Outcome failed(String phase, String detail) {
            return new Outcome(Status.FAILED, phase, detail);
        }

        public static Outcome rolledBack(String phase, String detail) {
            return new Outcome(Status.ROLLED_BACK, phase, detail);
        }

        /** "succeeded", "failed at health", … */
        public String describe() {
            return switch (status) {
                case IN_PROGRESS -> "in progress";
                case SUCCEEDED -> "succeeded";
                case FAILED -> "failed" + (failedPhase == null ? "" : " at " + failedPhase);
                case ROLLED_BACK -> "rolled back" + (failedPhase == null ? "" : " (failed at " + failedPhase + ")");
            };
        }
    }

    /**
     * An image by repository, the deploy's tag and digest.
     *
     * @param promotedFrom the environment and release it was copied from by digest; null when built here
     * @param vulnerabilities the vulnerability gate's findings by severity ({@code CRITICAL}, {@code HIGH}, …); null
     *     when the environment has no gate
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ImageRecord(String repository, String tag, String digest, ImageRef.PromotedFrom promotedFrom,
            Map<String, Integer> vulnerabilities) {
        public ImageRecord(String repository, String tag, String digest) {
            this(repository, tag, digest, null, null);
        }

        public static ImageRecord of(ImageRef ref) {
            return new ImageRecord(ref.repository(), ref.tag(), ref.digest(), ref.promotedFrom(), null);
        }

        public ImageRecord withVulnerabilities(Map<String, Integer> counts) {
            return new ImageRecord(repository, tag, digest, promotedFrom, counts == null ? null : Map.copyOf(new java.util.TreeMap<>(counts)));
        }

        /** From an image reference as a revision carries it: {@code repo@sha256:…} or {@code repo:tag}. */
        public static ImageRecord parse(String reference) {
            int at = reference.indexOf('@');
            if (at >= 0) {
                return new ImageRecord(reference.substring(0, at), null, reference.substring(at + 1));
            }
            int colon = reference.lastIndexOf(':');
            if (colon > reference.lastIndexOf('/')) {
                return new ImageRecord(reference.substring(0, colon), reference.substring(colon + 1), null);
            }
            return new ImageRecord(reference, null, null);
        }

        /** {@code repo@digest}, or {@code repo:tag} when the digest is unknown. */
        public String ref() {
            return digest != null ? repository + "@" + digest : repository + (tag == null ? "" : ":" + tag);
        }
    }

    /**
     * One service (or the gateway) as released.
     *
     * @param name the config's name
     * @param cloudRunService the Cloud Run service
     * @param image the image
     * @param revision the revision serving all its traffic; null when this image never served (a failed deploy)
     * @param url the service's URL
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ServiceRelease(String name, String cloudRunService, ImageRecord image, String revision, String url) {}

    /**
     * An OpenTofu plan that was applied. The summary's type belongs to the tofu stage; the record carries it
     * as JSON so it can be filled in without a schema change.
     *
     * @param phase {@code services} or {@code gateway}
     * @param summary the redacted plan summary
     * @param hash the hash of the saved plan file that was approved and applied
     */
    public record PlanRecord(String phase, JsonNode summary, String hash) {
        /** The tofu stage's summary, as its own JSON form (values already left out there). */
        public static PlanRecord of(String phase, PlanSummary summary) {
            return new PlanRecord(phase, ReleaseJson.tree(summary.toJson()), summary.planHash());
        }
    }

    /**
     * One gate's decision.
     *
     * @param approver the Jenkins user id, or {@code auto} when the policy has no gate for the phase
     */
    public record Approval(String phase, String approver, Instant at) {
        public static Approval of(io.mmdeploy.engine.approval.Approval passed) {
            return new Approval(passed.phase().id(), passed.approver(), passed.approvedAt());
        }

        public static Approval auto(String phase, Instant at) {
            return new Approval(phase, io.mmdeploy.engine.approval.Approval.AUTO, at);
        }

        /** A gated plan that changes nothing passed by itself: there was nothing for a person to approve. */
        public static Approval unchanged(String phase, Instant at) {
            return new Approval(phase, NO_CHANGES, at);
        }

        public static final String NO_CHANGES = "auto (the plan changes nothing)";
    }

    /**
     * One migration execution.
     *
     * @param image the image it ran ({@code repo@sha256:…}): a different image may have changed the schema
     * @param result {@code SUCCEEDED} or {@code FAILED}
     */
    public record MigrationRun(String job, String execution, String result, String image) {
        public static MigrationRun of(MigrationResult result) {
            return new MigrationRun(result.job(), result.execution(), result.result(), result.image());
        }
    }

    /**
     * One smoke test of the deploy.
     *
     * @param target the service or gateway it checked
     * @param status the HTTP status of the answer; 0 when there was none
     * @param detail why it failed; absent when it passed
     */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public record SmokeCheck(String target, String name, String method, String path, boolean passed, int status, long millis, String detail) {
        public static SmokeCheck of(io.mmdeploy.engine.smoke.SmokeResult r) {
            return new SmokeCheck(r.target(), r.name(), r.method(), r.path(), r.passed(), r.status(), r.millis(), r.detail());
        }
    }

    /**
     * One canary step: the new revision's share of traffic and what the analysis of its hold found.
     *
     * @param service the config's service name
     * @param revision the new revision
     * @param percent its share of the traffic at this step
     * @param passed false: the step breached the limits, and all traffic went back to the previous revision
     * @param analysis what was measured against what (e.g. {@code 0.4 % 5xx of 812 requests, p95 180 ms}); for the
     *     last step (100 %) or a step without enough requests, why nothing was judged
     */
    public record RolloutStep(String service, String revision, int percent, boolean passed, String analysis) {}

    /**
     * What a rollback did.
     *
     * @param fromRelease the release that was live when it started
     * @param toRelease the release restored; null when single revisions were named
     * @param forced whether the migration guard was overridden
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record RollbackDetail(String fromRelease, String toRelease, boolean forced) {}
}
