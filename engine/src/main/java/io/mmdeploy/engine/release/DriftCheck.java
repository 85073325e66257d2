package io.mmdeploy.engine.release;

import io.mmdeploy.engine.config.DeployConfig;
import io.mmdeploy.engine.config.EnvironmentSpec;
import io.mmdeploy.engine.diagnostics.DeployException;
import io.mmdeploy.engine.port.StageLog;
import io.mmdeploy.engine.release.ReleaseRecord.ImageRecord;
import io.mmdeploy.engine.release.ReleaseRecord.ServiceRelease;
import io.mmdeploy.engine.traffic.RevisionInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Whether each service still serves what the last succeeded release recorded: all traffic on the recorded
 * revision, running the recorded image. Catches a rollback done in the console, a traffic split left behind,
 * a deploy done outside the pipeline.
 */
public final class DriftCheck {
    public static final String STAGE = "drift";

    private final LiveServices live;
    private final StageLog log;

    public DriftCheck(LiveServices live, StageLog log) {
        this.live = live;
        this.log = log;
    }

    /**
     * One service that differs.
     *
     * @param expected what the release recorded ({@code revision (image)})
     * @param live what serves now
     */
    public record Drift(String service, String expected, String live, String reason) {}

    /** @param release the release compared with; @param inSync the services that match it */
    public record DriftReport(String environment, String release, List<Drift> drifts, List<String> inSync) {
        public DriftReport {
            drifts = List.copyOf(drifts);
            inSync = List.copyOf(inSync);
        }

        public boolean drifted() {
            return !drifts.isEmpty();
        }

        public String text() {
            StringBuilder out = new StringBuilder();
            out.append(drifted() ? drifts.size() + " service(s) of " + environment + " differ from release " + release
                    : environment + " serves exactly release " + release).append('\n');
            for (Drift d : drifts) {
                out.append("  ").append(d.service()).append(": ").append(d.reason()).append("\n    recorded: ").append(d.expected())
                        .append("\n    live:     ").append(d.live()).append('\n');
            }
            inSync.forEach(s -> out.append("  ").append(s).append(": in sync\n"));
            return out.toString();
        }
    }

    public DriftReport check(DeployConfig config, EnvironmentSpec env, ReleaseHistory history) {
        ReleaseRecord release = history.lastSucceeded().orElseThrow(() -> DeployException.of(
                "No succeeded release in " + env.name() + " to compare with",
                "Drift is measured against the last release that succeeded, and there is none yet."));
        List<Drift> drifts = new ArrayList<>();
        List<String> inSync = new ArrayList<>();
        for (LiveService service : live.readAll(config, env)) {
            Optional<ServiceRelease> recorded = release.serving(service.name());
            String liveText = describe(service);
            if (recorded.isEmpty() || recorded.get().revision() == null) {
                drifts.add(new Drift(service.name(), "(not in the release)", liveText,
                        "release " + release.id() + " records no revision for it"));
                continue;
            }
            ServiceRelease expected = recorded.get();
            String expectedText = expected.revision() + " (" + (expected.image() == null ? "?" : expected.image().ref()) + ")";
            Optional<String> sole = service.soleRevision();
            if (sole.isEmpty() || !sole.get().equals(expected.revision())) {
                drifts.add(new Drift(service.name(), expectedText, liveText, "traffic is not on the recorded revision"));
                continue;
            }
            String liveDigest = service.revision(sole.get()).map(RevisionInfo::image).map(i -> ImageRecord.parse(i).digest()).orElse(null);
            if (expected.image() != null && expected.image().digest() != null && !expected.image().digest().equals(liveDigest)) {
                drifts.add(new Drift(service.name(), expectedText, liveText, "the revision runs another image"));
                continue;
            }
            inSync.add(service.name());
        }
        DriftReport report = new DriftReport(env.name(), release.id(), drifts, inSync);
        if (report.drifted()) {
            drifts.forEach(d -> log.warn(d.service() + ": " + d.reason() + " (recorded " + d.expected() + ", live " + d.live() + ")"));
        } else {
            log.info("All " + inSync.size() + " service(s) serve release " + release.id());
        }
        return report;
    }

    private static String describe(LiveService service) {
        if (service.traffic().isEmpty()) {
            return "(no traffic)";
        }
        List<String> parts = new ArrayList<>();
        for (LiveService.Split split : service.traffic()) {
            String image = split.revision() == null ? "?" : service.revision(split.revision()).map(RevisionInfo::image).orElse("?");
            parts.add(split + " (" + image + ")");
        }
        return String.join(", ", parts);
    }
}
