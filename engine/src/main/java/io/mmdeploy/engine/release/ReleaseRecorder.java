package io.mmdeploy.engine.release;

import io.mmdeploy.engine.config.DeployConfig;
import io.mmdeploy.engine.config.EnvironmentSpec;
import io.mmdeploy.engine.images.ImageRef;
import io.mmdeploy.engine.port.StageLog;
import io.mmdeploy.engine.release.ReleaseRecord.Commit;
import io.mmdeploy.engine.release.ReleaseRecord.ImageRecord;
import io.mmdeploy.engine.release.ReleaseRecord.Kind;
import io.mmdeploy.engine.release.ReleaseRecord.Outcome;
import io.mmdeploy.engine.release.ReleaseRecord.ServiceRelease;
import io.mmdeploy.engine.release.ReleaseRecord.Status;
import io.mmdeploy.engine.source.Revision;
import io.mmdeploy.engine.traffic.RevisionInfo;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The release record of a deploy: stored in progress when the deploy starts, and again, finalised, when it
 * ends, with the revision now serving each image read from Cloud Run.
 */
public final class ReleaseRecorder {
    public static final String STAGE = "release";

    private final ReleaseStore store;
    private final LiveServices live;
    private final Clock clock;
    private final StageLog log;

    public ReleaseRecorder(ReleaseStore store, LiveServices live, Clock clock, StageLog log) {
        this.store = store;
        this.live = live;
        this.clock = clock;
        this.log = log;
    }

    public ReleaseRecord start(EnvironmentSpec env, Revision revision) {
        Instant now = clock.instant();
        ReleaseRecord started = ReleaseRecord.started(ReleaseRecord.newId(now, revision.shortSha()), Kind.DEPLOY, env,
                Commit.of(revision), now);
        store.append(started);
        return started;
    }

    /**
     * Stores the final record. Always writes, even when Cloud Run cannot be read (then no revision is recorded):
     * a deploy that failed must still leave its record behind.
     */
    public ReleaseRecord finish(ReleaseRecord started, DeployConfig config, EnvironmentSpec env, DeployEvidence evidence, Outcome outcome) {
        List<LiveService> serving = live.readAllForRecord(config, env, log);
        List<ServiceRelease> services = new ArrayList<>();
        ServiceRelease gateway = null;
        for (String name : names(config)) {
            Optional<LiveService> now = serving.stream().filter(s -> s.name().equals(name)).findFirst();
            ServiceRelease release = release(name, cloudRunService(config, env, name), evidence.images().get(name), now, outcome,
                    evidence.vulnerabilities().get(name));
            if (config.gatewaySpec().map(g -> g.name().equals(name)).orElse(false)) {
                gateway = release;
            } else {
                services.add(release);
            }
        }
        ReleaseRecord finished = started.withServing(services, gateway)
                .withEvidence(evidence.plans(), evidence.approvals(), evidence.migrations())
                .withSmokeTests(evidence.smokeTests())
                .withRollout(evidence.rollout())
                .finished(outcome, clock.instant());
        store.append(finished);
        return finished;
    }

    /**
     * The image this deploy meant for the service and the revision serving it. A revision is recorded only when
     * it serves that very digest; without a new image, the record keeps whatever serves now.
     */
    private ServiceRelease release(String name, String cloudRunService, ImageRef built, Optional<LiveService> now, Outcome outcome,
            Map<String, Integer> vulnerabilities) {
        Optional<String> revision = now.flatMap(LiveService::soleRevision);
        Optional<RevisionInfo> info = revision.flatMap(r -> now.get().revision(r));
        String url = now.map(LiveService::url).orElse(null);
        if (built == null) {
            return new ServiceRelease(name, cloudRunService, info.map(i -> ImageRecord.parse(i.image())).orElse(null),
                    revision.orElse(null), url);
        }
        ImageRecord image = ImageRecord.of(built).withVulnerabilities(vulnerabilities);
        boolean servesIt = info.map(i -> built.digest().equals(ImageRecord.parse(i.image()).digest())).orElse(false);
        if (!servesIt && outcome.status() == Status.SUCCEEDED) {
            log.warn(name + ": the deploy succeeded but " + cloudRunService + " does not serve " + built.digest()
                    + " from one revision (live: " + now.map(s -> s.traffic().toString()).orElse("unknown")
                    + "); the record names no revision for it");
        }
        return new ServiceRelease(name, cloudRunService, image, servesIt ? revision.get() : null, url);
    }

    private static List<String> names(DeployConfig config) {
        List<String> names = new ArrayList<>(config.services().stream().map(s -> s.name()).toList());
        config.gatewaySpec().ifPresent(g -> names.add(g.name()));
        return names;
    }

    static String cloudRunService(DeployConfig config, EnvironmentSpec env, String name) {
        return config.service(name).map(s -> s.cloudRunService(env))
                .or(() -> config.gatewaySpec().filter(g -> g.name().equals(name)).map(g -> g.cloudRunService(env)))
                .orElseThrow(() -> new IllegalArgumentException("no service " + name));
    }
}
