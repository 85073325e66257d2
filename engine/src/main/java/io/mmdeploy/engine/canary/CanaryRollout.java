package io.mmdeploy.engine.canary;

import com.google.cloud.run.v2.ServiceName;
import io.mmdeploy.engine.config.RolloutPolicy;
import io.mmdeploy.engine.diagnostics.DeployException;
import io.mmdeploy.engine.port.Sleeper;
import io.mmdeploy.engine.port.StageLog;
import io.mmdeploy.engine.release.ReleaseRecord.RolloutStep;
import io.mmdeploy.engine.run.NamedTask;
import io.mmdeploy.engine.run.ParallelRunner;
import io.mmdeploy.engine.run.TaskOutcome;
import io.mmdeploy.engine.traffic.CloudRunTraffic;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A canary around the services' apply. Before it, each service's traffic is pinned to the revision serving now, so the
 * apply's new revision (OpenTofu leaves traffic alone: {@code ignore_changes = [traffic]}) gets none. After it, each
 * service with a new revision: a tagged URL at 0 % where its smoke tests run, then every step of the policy; after each
 * step but the last, the hold and the analysis ({@link CanaryAnalysis}) against the revision it replaces. The last step
 * gives the traffic back to LATEST, the state a deploy leaves. A breach, a failed smoke test or an abort moves all
 * traffic of every canary back to its previous revision before the deploy fails.
 */
public final class CanaryRollout {
    public static final String STAGE = "rollout";
    /** The tag of the new revision while it is a canary: its URL is {@code https://canary---<service host>}. */
    public static final String TAG = "canary";
    /** Services whose traffic moves at once (MindMirror has 7 and a gateway). */
    static final int MOVES_AT_ONCE = 8;

    private final CloudRunTraffic traffic;
    private final RevisionMetrics metrics;
    private final Sleeper sleeper;
    private final Clock clock;
    private final StageLog log;
    /** Each step's traffic moves, one per service, at once: a Cloud Run update takes seconds, one after another minutes. */
    private final ParallelRunner moves = new ParallelRunner(MOVES_AT_ONCE);

    public CanaryRollout(CloudRunTraffic traffic, RevisionMetrics metrics, Sleeper sleeper, Clock clock, StageLog log) {
        this.traffic = traffic;
        this.metrics = metrics;
        this.sleeper = sleeper;
        this.clock = clock;
        this.log = log;
    }

    /** A service of the config and its Cloud Run service. */
    public record Target(String service, ServiceName name) {}

    /** A service whose traffic was pinned to {@code stable} before the apply. */
    public record Pinned(Target target, String stable) {}

    /** Runs a service's smoke tests at the given URL (its canary's); returns each failure, one line each. */
    @FunctionalInterface
    public interface TagCheck {
        List<String> failures(Map<String, String> urlByService) throws InterruptedException;
    }

    /** Before the apply: every service that serves a ready revision is pinned to it (a new service has nothing to guard). */
    public List<Pinned> pin(List<Target> targets) throws InterruptedException {
        List<Optional<String>> stable = atOnce("pin", targets, Target::service, t -> traffic.pinServing(t.name()));
        List<Pinned> pinned = new ArrayList<>();
        for (int i = 0; i < targets.size(); i++) {
            int at = i;
            stable.get(i).ifPresent(revision -> pinned.add(new Pinned(targets.get(at), revision)));
        }
        return pinned;
    }

    private record Canary(Pinned pinned, String candidate) {
        String service() {
            return pinned.target().service();
        }
    }

    /**
     * After the apply: the canary of every pinned service that has a new ready revision; the others go back to LATEST
     * at once (their revision did not change).
     *
     * @param taken told each step as it is taken, so that a deploy that fails keeps what its canary did
     * @throws DeployException after moving all traffic back, when a step breached or a smoke test failed
     */
    public void roll(RolloutPolicy policy, List<Pinned> pinned, TagCheck smoke, Consumer<RolloutStep> taken) throws InterruptedException {
        List<Canary> canaries = new ArrayList<>();
        atOnce("find", pinned, p -> p.target().service(), p -> {
            Optional<String> latest = traffic.latestReady(p.target().name());
            if (latest.isPresent() && !latest.get().equals(p.stable())) {
                return Optional.of(new Canary(p, latest.get()));
            }
            traffic.routeToLatest(p.target().name());
            return Optional.<Canary>empty();
        }).forEach(c -> c.ifPresent(canaries::add));
        if (canaries.isEmpty()) {
            return;
        }
        CanaryAnalysis analysis = new CanaryAnalysis(policy.analysis());
        try {
            List<String> urls = atOnce("tag", canaries, Canary::service,
                    c -> traffic.split(c.pinned().target().name(), c.pinned().stable(), c.candidate(), 0, TAG));
            Map<String, String> tagUrls = new LinkedHashMap<>();
            for (int i = 0; i < canaries.size(); i++) {
                Canary c = canaries.get(i);
                tagUrls.put(c.service(), urls.get(i));
                log.info(c.service() + ": new revision " + c.candidate() + " at 0 % on " + urls.get(i));
            }
            List<String> failed = smoke.failures(tagUrls);
            if (!failed.isEmpty()) {
                revert(canaries);
                throw DeployException.of("A canary's smoke tests failed; all traffic is back on the previous revisions",
                        String.join("\n", failed) + "\nNo traffic reached the new revisions.");
            }
            for (int percent : policy.steps()) {
                atOnce("step " + percent, canaries, Canary::service, c -> {
                    if (percent == 100) {
                        traffic.routeToLatest(c.pinned().target().name());
                    } else {
                        traffic.split(c.pinned().target().name(), c.pinned().stable(), c.candidate(), percent, TAG);
                    }
                    return c;
                });
                if (percent == 100) {
                    canaries.forEach(c -> taken.accept(new RolloutStep(c.service(), c.candidate(), 100, true, "all traffic")));
                    log.info("Canary done: " + String.join(", ", canaries.stream().map(Canary::service).toList()) + " at 100 %");
                    break;
                }
                Instant from = clock.instant();
                log.info("Canary at " + percent + " %: holding " + policy.hold().toSeconds() + " s before the analysis");
                sleeper.sleep(policy.hold());
                Instant to = clock.instant();
                List<String> breaches = new ArrayList<>();
                List<CanaryAnalysis.Verdict> verdicts = atOnce("analysis", canaries, Canary::service, c -> {
                    String name = c.pinned().target().name().getService();
                    return analysis.judge(metrics.sample(name, c.candidate(), from, to), metrics.sample(name, c.pinned().stable(), from, to));
                });
                for (int i = 0; i < canaries.size(); i++) {
                    Canary c = canaries.get(i);
                    CanaryAnalysis.Verdict verdict = verdicts.get(i);
                    taken.accept(new RolloutStep(c.service(), c.candidate(), percent, verdict.passed(), verdict.analysis()));
                    log.info(c.service() + " at " + percent + " %: " + verdict.analysis());
                    if (!verdict.passed()) {
                        breaches.add(c.service() + " (" + c.candidate() + ") at " + percent + " %: " + verdict.analysis());
                    }
                }
                if (!breaches.isEmpty()) {
                    revert(canaries);
                    throw DeployException.of("The canary breached its limits; all traffic is back on the previous revisions",
                            String.join("\n", breaches) + "\nThe limits are the environment's rollout.analysis.");
                }
            }
        } catch (InterruptedException e) {
            // Aborted mid-canary: nothing stays on a half-rolled-out revision.
            Thread.interrupted();
            try {
                revert(canaries);
            } finally {
                Thread.currentThread().interrupt();
            }
            throw e;
        }
    }

    /** Every canary back on its previous revision, all at once; each one is tried even when another fails. */
    private void revert(List<Canary> canaries) throws InterruptedException {
        atOnce("revert", canaries, Canary::service, c -> {
            traffic.routeAllTo(c.pinned().target().name(), c.pinned().stable());
            return c;
        });
    }

    private interface Move<I, T> {
        T on(I item) throws Exception;
    }

    /** One move per item, all at once; the results in the items' order, or every failure in one error. */
    private <I, T> List<T> atOnce(String purpose, List<I> items, Function<I, String> name, Move<I, T> move) throws InterruptedException {
        List<NamedTask<T>> tasks = new ArrayList<>();
        for (I item : items) {
            tasks.add(new NamedTask<>(name.apply(item), () -> move.on(item)));
        }
        return TaskOutcome.valuesOrThrow(moves.runAll("canary-" + purpose, tasks));
    }
}
