package io.mmdeploy.engine.release;

import com.google.cloud.run.v2.ServiceName;
import io.mmdeploy.engine.config.DeployConfig;
import io.mmdeploy.engine.config.EnvironmentSpec;
import io.mmdeploy.engine.diagnostics.DeployException;
import io.mmdeploy.engine.diagnostics.Diagnostic;
import io.mmdeploy.engine.health.HealthCheck;
import io.mmdeploy.engine.health.HealthReport;
import io.mmdeploy.engine.health.HealthResult;
import io.mmdeploy.engine.health.HealthTarget;
import io.mmdeploy.engine.health.HealthTargets;
import io.mmdeploy.engine.port.StageLog;
import io.mmdeploy.engine.release.AliasMove.MovedAlias;
import io.mmdeploy.engine.release.ReleaseRecord.ImageRecord;
import io.mmdeploy.engine.release.ReleaseRecord.Kind;
import io.mmdeploy.engine.release.ReleaseRecord.MigrationRun;
import io.mmdeploy.engine.release.ReleaseRecord.Outcome;
import io.mmdeploy.engine.release.ReleaseRecord.RollbackDetail;
import io.mmdeploy.engine.release.ReleaseRecord.ServiceRelease;
import io.mmdeploy.engine.release.RollbackPlan.Direction;
import io.mmdeploy.engine.release.RollbackPlan.Move;
import io.mmdeploy.engine.run.NamedTask;
import io.mmdeploy.engine.run.ParallelRunner;
import io.mmdeploy.engine.run.TaskOutcome;
import io.mmdeploy.engine.serviceurls.CloudRunUrls;
import io.mmdeploy.engine.traffic.CloudRunTraffic;
import io.mmdeploy.engine.traffic.RevisionInfo;
import io.mmdeploy.engine.traffic.TrafficMove;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Rolls an environment's services and gateway together to an earlier release (or one service to a named
 * revision): no build, no OpenTofu, only Cloud Run traffic. Every check runs before the first move: each target
 * revision exists and is ready, and no migration ran after the target release (rolling code back past a schema
 * change is refused unless forced). Going back, the gateway moves first; going forward, last: the gateway is
 * built against the services' API, so it must never run newer than the services it composes.
 */
public final class EnvironmentRollback {
    public static final String STAGE = "rollback";

    private final ReleaseStore store;
    private final LiveServices live;
    private final CloudRunTraffic traffic;
    private final CloudRunUrls urls;
    private final HealthCheck health;
    private final ParallelRunner runner;
    private final AliasMove aliases;
    private final Clock clock;
    private final StageLog log;

    public EnvironmentRollback(ReleaseStore store, LiveServices live, CloudRunTraffic traffic, CloudRunUrls urls, HealthCheck health,
            ParallelRunner runner, AliasMove aliases, Clock clock, StageLog log) {
        this.store = store;
        this.live = live;
        this.traffic = traffic;
        this.urls = urls;
        this.health = health;
        this.runner = runner;
        this.aliases = aliases;
        this.clock = clock;
        this.log = log;
    }

    /** What a rollback did. */
    public record RollbackResult(ReleaseRecord record, List<TrafficMove> moved, HealthReport health, List<MovedAlias> aliases) {}

    /** Computes and checks the moves; changes nothing. Refuses with every reason at once. */
    public RollbackPlan plan(DeployConfig config, EnvironmentSpec env, RollbackRequest request) {
        ReleaseHistory history = ReleaseHistory.read(store);
        ReleaseRecord newest = history.newest().orElseThrow(() -> DeployException.of("No release records in " + env.name(),
                "Rollback restores what an earlier release recorded, and " + SecretManagerReleaseStore.secretId(env) + " in "
                        + env.projectId() + " has none. Roll one service back by revision with `mmdeploy traffic`."));
        // With --service, --to may name a revision rather than a release.
        boolean namedRevision = request.service() != null && !request.to().equals(RollbackRequest.PREVIOUS)
                && history.find(request.to()).isEmpty();
        List<LiveService> services = request.service() == null ? live.readAll(config, env)
                : List.of(live.read(env, request.service(), cloudRunServiceOf(config, env, request.service())));
        Optional<ReleaseRecord> target = request.revert() != null && request.revert().baseline() != null
                ? Optional.of(history.require(request.revert().baseline(), env.name()))
                : namedRevision ? releaseServing(history, request.service(), request.to())
                : Optional.of(targetRelease(history, env, request.to()));

        List<String> warnings = new ArrayList<>();
        List<Diagnostic> problems = new ArrayList<>();
        List<Move> moves = new ArrayList<>();
        for (LiveService service : services) {
            String revision = namedRevision ? request.to()
                    : target.flatMap(t -> t.serving(service.name())).map(ServiceRelease::revision).orElse(null);
            if (revision == null) {
                warnings.add(service.name() + " has no revision in release " + target.map(ReleaseRecord::id).orElse("?")
                        + "; left as it is");
                continue;
            }
            unusable(service, revision).ifPresent(problems::add);
            moves.add(new Move(service.name(), service.cloudRunService(), isGateway(config, service.name()), describe(service),
                    revision, imageOf(history, service.name(), revision, service.revision(revision))));
        }
        List<String> newerMigrations = request.revert() != null
                ? incompatible(config, env, request.revert().migrations().stream().map(m -> new Ran(request.revert().release(), m)).toList())
                : target.map(t -> incompatible(config, env, migrationsSince(history, t))).orElse(List.of());
        schemaGuard(request, target, newerMigrations, warnings, problems);
        if (!problems.isEmpty()) {
            problems.add(Diagnostic.error("Rollback refused: no traffic was moved", "Fix the problems above and run it again."));
            throw new DeployException(problems);
        }

        Direction direction = direction(history, newest, target, moves, services);
        List<Move> gateway = moves.stream().filter(Move::gateway).toList();
        List<Move> rest = moves.stream().filter(m -> !m.gateway()).toList();
        List<Move> ordered = new ArrayList<>(direction == Direction.BACK ? gateway : rest);
        ordered.addAll(direction == Direction.BACK ? rest : gateway);
        return new RollbackPlan(env.name(), newest.id(), request.service() == null ? target.get().id() : null,
                target.map(ReleaseRecord::commit).orElse(null), direction, ordered, warnings,
                request.force() && (target.isEmpty() || !newerMigrations.isEmpty()));
    }

    /** Why the revision cannot take the traffic, if it cannot. */
    private static Optional<Diagnostic> unusable(LiveService service, String revision) {
        Optional<RevisionInfo> info = service.revision(revision);
        if (info.isEmpty()) {
            return Optional.of(Diagnostic.error("Revision " + revision + " of " + service.cloudRunService() + " no longer exists",
                    "The target's revision was deleted. Deploy the release's images again instead (its record names them)."));
        }
        if (!info.get().ready()) {
            return Optional.of(Diagnostic.error("Revision " + revision + " of " + service.cloudRunService() + " is not ready",
                    "It cannot serve traffic. Pick another release or revision."));
        }
        return Optional.empty();
    }

    /** Refuses, or with --force warns, when the target's code may not fit the schema migrations left behind. */
    private static void schemaGuard(RollbackRequest request, Optional<ReleaseRecord> target, List<String> newerMigrations,
            List<String> warnings, List<Diagnostic> problems) {
        if (target.isEmpty()) {
            String why = "No release record names revision " + request.to() + " of " + request.service()
                    + ", so which schema it expects is unknown.";
            if (request.force()) {
                warnings.add(why + " Forced.");
            } else {
                problems.add(Diagnostic.error("Rollback of " + request.service() + " to an unrecorded revision refused",
                        why + " Rerun with --force if you know it works on the current schema."));
            }
        } else if (!newerMigrations.isEmpty()) {
            if (request.force()) {
                warnings.add("forced across migrations: " + String.join("; ", newerMigrations));
            } else {
                problems.add(Diagnostic.error("Going back to release " + target.get().id() + " would run its code on a newer schema",
                        String.join("\n", newerMigrations) + "\nMigrations do not run backwards, and that release's code"
                                + " was written for the schema before them. What to do next: fix forward (deploy a fix), or, if those"
                                + " migrations only add to the schema, force it (mmdeploy rollback --force; the rollback job's FORCE"
                                + " parameter) and mark them compatibleWithPrevious: true in the config so the next revert needs no force."));
            }
        }
    }

    /** The newest release that recorded the revision serving the service. */
    private static Optional<ReleaseRecord> releaseServing(ReleaseHistory history, String service, String revision) {
        return history.newestFirst().stream()
                .filter(r -> r.serving(service).map(s -> revision.equals(s.revision())).orElse(false))
                .findFirst();
    }

    private static String describe(LiveService service) {
        return service.traffic().isEmpty() ? "(no traffic)"
                : String.join(",", service.traffic().stream().map(LiveService.Split::toString).toList());
    }

    /** Moves the traffic as planned, health-checks, and records the rollback; moves the aliases when it succeeded. */
    public RollbackResult execute(DeployConfig config, EnvironmentSpec env, RollbackPlan plan) throws InterruptedException {
        Instant now = clock.instant();
        ReleaseRecord started = ReleaseRecord.started(ReleaseRecord.newId(now, "rollback"), Kind.ROLLBACK, env, plan.commit(), now)
                .withRollback(new RollbackDetail(plan.fromRelease(), plan.toRelease(), plan.forced()));
        store.append(started);
        plan.warnings().forEach(log::warn);

        List<TrafficMove> moved = new ArrayList<>();
        try {
            // Gateway and services move in separate steps, in the plan's order; the services of one step together.
            List<Move> changing = plan.changing();
            List<List<Move>> steps = new ArrayList<>();
            for (Move move : changing) {
                if (steps.isEmpty() || steps.get(steps.size() - 1).get(0).gateway() != move.gateway()) {
                    steps.add(new ArrayList<>());
                }
                steps.get(steps.size() - 1).add(move);
            }
            for (List<Move> step : steps) {
                List<NamedTask<TrafficMove>> tasks = step.stream().map(m -> new NamedTask<>(m.service(),
                        () -> traffic.routeAllTo(ServiceName.of(env.projectId(), env.region(), m.cloudRunService()), m.toRevision())))
                        .toList();
                List<TaskOutcome<TrafficMove>> outcomes = runner.runAll(STAGE, tasks);
                outcomes.stream().filter(TaskOutcome::succeeded).forEach(o -> moved.add(o.value()));
                TaskOutcome.valuesOrThrow(outcomes);
            }
        } catch (DeployException e) {
            ReleaseRecord failed = record(config, env, started, Outcome.failed("traffic", e.diagnostics().get(0).summary()));
            List<Diagnostic> all = new ArrayList<>(e.diagnostics());
            all.add(Diagnostic.error("The rollback stopped half-way: " + failed.id() + " recorded as failed",
                    "Moved before the failure: " + (moved.isEmpty() ? "nothing" : String.join(", ", moved.stream()
                            .map(m -> m.service() + " -> " + m.after()).toList()))
                            + ". Run `mmdeploy drift --env " + env.name() + "` to see what serves now."));
            throw new DeployException(all);
        }

        List<HealthTarget> targets = HealthTargets.of(config, env, urls, plan.moves().stream().map(Move::service).toList(), null);
        HealthReport report = health.check(targets);
        Outcome outcome = report.healthy() ? Outcome.succeeded() : Outcome.failed("health", "not healthy: " + String.join(", ",
                report.results().stream().filter(r -> !r.healthy()).map(HealthResult::name).toList()));
        ReleaseRecord finished = record(config, env, started, outcome);
        List<MovedAlias> movedAliases = finished.succeeded() ? aliases.apply(config, env, finished) : List.of();
        log.info("Rollback " + finished.id() + " " + finished.outcome().describe() + ": " + moved.size() + " service(s) moved");
        return new RollbackResult(finished, moved, report, movedAliases);
    }

    /** The final record: what serves now, each image taken from the record that knew its revision. */
    private ReleaseRecord record(DeployConfig config, EnvironmentSpec env, ReleaseRecord started, Outcome outcome) {
        ReleaseHistory history = ReleaseHistory.read(store);
        List<ServiceRelease> services = new ArrayList<>();
        ServiceRelease gateway = null;
        for (LiveService service : live.readAllForRecord(config, env, log)) {
            Optional<String> revision = service.soleRevision();
            ImageRecord image = revision.map(r -> imageOf(history, service.name(), r, service.revision(r))).orElse(null);
            ServiceRelease release = new ServiceRelease(service.name(), service.cloudRunService(), image, revision.orElse(null), service.url());
            if (isGateway(config, service.name())) {
                gateway = release;
            } else {
                services.add(release);
            }
        }
        ReleaseRecord finished = started.withServing(services, gateway).finished(outcome, clock.instant());
        store.append(finished);
        return finished;
    }

    private static ReleaseRecord targetRelease(ReleaseHistory history, EnvironmentSpec env, String to) {
        ReleaseRecord target = to.equals(RollbackRequest.PREVIOUS)
                ? history.previous().orElseThrow(() -> DeployException.of("No earlier successful release in " + env.name(),
                        "\"previous\" is the last release that succeeded before the one live now, and there is none."
                                + " Name a release id (see `mmdeploy releases --env " + env.name() + "`)."))
                : history.require(to, env.name());
        if (!target.succeeded()) {
            throw DeployException.of("Release " + target.id() + " did not succeed (" + target.outcome().describe() + ")",
                    "Only a release that succeeded is a known good state. Pick another (see `mmdeploy releases --env "
                            + env.name() + "`).");
        }
        return target;
    }

    /** A migration execution and the release that ran it. */
    record Ran(String release, MigrationRun run) {}

    /**
     * The migrations that ran after the target with another image than the one the schema had at the target:
     * each may have changed the schema the target's code runs on. Every recorded run counts, even in a release
     * that failed later, and a failed migration too (it may have applied part of its steps).
     */
    static List<Ran> migrationsSince(ReleaseHistory history, ReleaseRecord target) {
        Map<String, String> atTarget = new LinkedHashMap<>();
        for (ReleaseRecord r : history.oldestFirst()) {
            r.migrations().forEach(m -> atTarget.put(m.job(), m.image()));
            if (r.id().equals(target.id())) {
                break;
            }
        }
        List<Ran> newer = new ArrayList<>();
        for (ReleaseRecord r : history.after(target.id())) {
            for (MigrationRun m : r.migrations()) {
                if (!Objects.equals(atTarget.get(m.job()), m.image())) {
                    newer.add(new Ran(r.id(), m));
                }
            }
        }
        return newer;
    }

    /**
     * The one rule of rollback and automatic revert: a migration stands in the way unless the config marks it
     * {@code compatibleWithPrevious} (expand-only). Each is described by release, job, execution, result and image.
     */
    static List<String> incompatible(DeployConfig config, EnvironmentSpec env, List<Ran> ran) {
        List<String> out = new ArrayList<>();
        for (Ran r : ran) {
            boolean compatible = config.migrations().stream()
                    .anyMatch(spec -> spec.cloudRunJob(env).equals(r.run().job()) && spec.compatibleWithPrevious());
            if (!compatible) {
                MigrationRun m = r.run();
                out.add("release " + r.release() + " ran " + m.job() + " (execution " + m.execution() + ", " + m.result() + ") with " + m.image());
            }
        }
        return out;
    }

    private static Direction direction(ReleaseHistory history, ReleaseRecord newest, Optional<ReleaseRecord> target,
            List<Move> moves, List<LiveService> services) {
        if (target.isPresent()) {
            String reference = history.liveState().orElse(newest.id());
            return target.get().id().equals(reference) || history.before(target.get().id(), reference) ? Direction.BACK : Direction.FORWARD;
        }
        // One service to an unrecorded revision: back when that revision is older than the one serving now.
        Move move = moves.get(0);
        LiveService service = services.get(0);
        Optional<RevisionInfo> to = service.revision(move.toRevision());
        Optional<RevisionInfo> now = service.soleRevision().flatMap(service::revision);
        return to.isPresent() && now.isPresent() && to.get().created().isAfter(now.get().created()) ? Direction.FORWARD : Direction.BACK;
    }

    private static ImageRecord imageOf(ReleaseHistory history, String service, String revision, Optional<RevisionInfo> info) {
        return history.newestFirst().stream()
                .flatMap(r -> r.serving(service).stream())
                .filter(s -> revision.equals(s.revision()) && s.image() != null)
                .map(ServiceRelease::image)
                .findFirst()
                .orElseGet(() -> info.map(i -> ImageRecord.parse(i.image())).orElse(null));
    }

    private static boolean isGateway(DeployConfig config, String name) {
        return config.gatewaySpec().map(g -> g.name().equals(name)).orElse(false);
    }

    private static String cloudRunServiceOf(DeployConfig config, EnvironmentSpec env, String name) {
        if (config.service(name).isEmpty() && !isGateway(config, name)) {
            throw DeployException.of("Unknown service \"" + name + "\"", config.file() + " defines the services "
                    + String.join(", ", config.services().stream().map(s -> s.name()).toList())
                    + config.gatewaySpec().map(g -> " and the gateway " + g.name()).orElse("") + ".");
        }
        return ReleaseRecorder.cloudRunService(config, env, name);
    }
}
