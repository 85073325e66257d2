package io.mmdeploy.engine.steps;

import com.google.cloud.run.v2.ServiceName;
import io.mmdeploy.engine.canary.CanaryRollout;
import io.mmdeploy.engine.config.EnvironmentSpec;
import io.mmdeploy.engine.config.ServiceSpec;
import io.mmdeploy.engine.gcp.GoogleClients;
import io.mmdeploy.engine.release.ReleaseRecord;
import io.mmdeploy.engine.smoke.SmokeReport;
import io.mmdeploy.engine.smoke.SmokeTarget;
import io.mmdeploy.engine.smoke.SmokeTargets;
import io.mmdeploy.engine.traffic.CloudRunTraffic;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The services' traffic around their apply. OpenTofu leaves Cloud Run traffic to the engine (the example infra has
 * {@code ignore_changes = [traffic]}), so: with the environment's {@code rollout}, its HTTP services take their new
 * revisions as a canary ({@link CanaryRollout}); every other service (all of them without a rollout, the workers with
 * one) serves from LATEST after the apply, which moves a service a rollback pinned to a revision forward again, as an
 * apply that owned traffic did.
 */
final class ServiceTraffic {
    private final RunContext run;
    private final EnvironmentSpec env;
    private final GoogleClients clients;
    private final CloudRunTraffic traffic;
    /** Null without the environment's rollout. */
    private final CanaryRollout rollout;

    ServiceTraffic(RunContext run, EnvironmentSpec env, GoogleClients clients) {
        this.run = run;
        this.env = env;
        this.clients = clients;
        this.traffic = run.stages.releases(env, clients).cloudRun().traffic();
        this.rollout = env.rollout() == null ? null : run.stages.rollout(env, clients);
    }

    /** With a rollout: pins each HTTP service to the revision serving now, so the apply's new one gets no traffic. */
    List<CanaryRollout.Pinned> beforeApply() throws InterruptedException {
        return rollout == null ? List.of() : rollout.pin(canaryTargets());
    }

    /** The canary of the pinned services; LATEST for every other service whose traffic is not there. */
    void afterApply(List<CanaryRollout.Pinned> pinned) throws InterruptedException {
        Set<String> canaries = pinned.stream().map(p -> p.target().service()).collect(Collectors.toSet());
        for (ServiceSpec s : run.config.services()) {
            ServiceName name = name(s);
            if (!canaries.contains(s.name()) && !traffic.onLatest(name)) {
                traffic.routeToLatest(name);
            }
        }
        if (!pinned.isEmpty()) {
            rollout.roll(env.rollout(), pinned, this::smokeFailuresAt, step -> run.journal.update(env.name(), d -> {
                List<ReleaseRecord.RolloutStep> steps = new ArrayList<>(d.rollout);
                steps.add(step);
                d.rollout = steps;
            }));
        }
    }

    private List<CanaryRollout.Target> canaryTargets() {
        return run.config.services().stream().filter(s -> s.health().http())
                .map(s -> new CanaryRollout.Target(s.name(), name(s))).toList();
    }

    /** The smoke tests of the canary services, sent to each one's tagged URL. */
    private List<String> smokeFailuresAt(Map<String, String> urlByService) throws InterruptedException {
        Map<String, String> byCloudRunName = new HashMap<>();
        run.config.services().stream().filter(s -> urlByService.containsKey(s.name()))
                .forEach(s -> byCloudRunName.put(s.cloudRunService(env), urlByService.get(s.name())));
        List<SmokeTarget> targets = SmokeTargets.of(run.config, env, byCloudRunName::get).stream()
                .filter(t -> urlByService.containsKey(t.name())).toList();
        if (targets.isEmpty()) {
            return List.of();
        }
        SmokeReport report = new SmokePhase(run).runAt(env, clients, targets);
        return SmokePhase.describe(report);
    }

    private ServiceName name(ServiceSpec s) {
        return ServiceName.of(env.projectId(), env.region(), s.cloudRunService(env));
    }
}
