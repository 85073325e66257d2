package io.jenkins.plugins.mmdeploy.host;

import io.mmdeploy.engine.config.ApprovalPolicy;
import io.mmdeploy.engine.config.ApprovalPolicy.Gate;
import io.mmdeploy.engine.health.HealthReport;
import io.mmdeploy.engine.health.HealthResult;
import io.mmdeploy.engine.images.ImageRef;
import io.mmdeploy.engine.migrations.MigrationResult;
import io.mmdeploy.engine.release.ReleaseRecord.MigrationRun;
import io.mmdeploy.engine.release.RollbackPlan;
import io.mmdeploy.engine.smoke.SmokeReport;
import io.mmdeploy.engine.smoke.SmokeResult;
import io.mmdeploy.engine.steps.AliasResult;
import io.mmdeploy.engine.steps.DeploySteps;
import io.mmdeploy.engine.steps.GatewayResult;
import io.mmdeploy.engine.steps.ImagesResult;
import io.mmdeploy.engine.steps.MigrationsResult;
import io.mmdeploy.engine.steps.PreflightResult;
import io.mmdeploy.engine.steps.ScanResult;
import io.mmdeploy.engine.steps.ReleaseResult;
import io.mmdeploy.engine.steps.RollbackOutcome;
import io.mmdeploy.engine.steps.TofuResult;
import io.mmdeploy.engine.steps.UrlsResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one place an engine result becomes the map a Pipeline step returns (docs/STEPS.md: the shared library reads
 * these keys; keys may be added, never renamed). Only plain strings, numbers, booleans, lists and maps, so the
 * result can be kept in a Pipeline variable.
 */
public final class StepMaps {
    private StepMaps() {}

    /** mmOpenGate's result: the gate the approver will be asked at (docs/STEPS.md). */
    public static Map<String, Object> gate(String phase, String planHash, String summaryText, boolean automatic) {
        return ordered("phase", phase, "planHash", planHash, "summaryText", summaryText, "automatic", automatic);
    }

    /**
     * @param configDirectory the config file's directory relative to the build's workspace: mmRelease's
     *     {@code record} path is given from the workspace, where the shared library archives it
     */
    public static Map<String, Object> of(Object result, String configDirectory) {
        if (result instanceof PreflightResult r) {
            return preflight(r);
        }
        if (result instanceof ImagesResult r) {
            return images(r);
        }
        if (result instanceof ScanResult r) {
            return scan(r);
        }
        if (result instanceof MigrationsResult r) {
            return migrations(r);
        }
        if (result instanceof TofuResult r) {
            return tofu(r);
        }
        if (result instanceof UrlsResult r) {
            return ordered("urls", new LinkedHashMap<>(r.urls()), "secret", r.secretVersion());
        }
        if (result instanceof GatewayResult r) {
            return gateway(r);
        }
        if (result instanceof HealthReport r) {
            return health(r);
        }
        if (result instanceof SmokeReport r) {
            return smoke(r);
        }
        if (result instanceof RollbackOutcome r) {
            return rollback(r);
        }
        if (result instanceof ReleaseResult r) {
            return ordered("release", r.release(),
                    "record", r.record() == null ? null : DeployConfigs.inWorkspace(configDirectory, DeploySteps.RECORD_FILE));
        }
        if (result instanceof AliasResult r) {
            return ordered("alias", r.alias(), "images", new LinkedHashMap<>(r.images()));
        }
        throw new IllegalArgumentException("no step map for " + (result == null ? "null" : result.getClass().getName()));
    }

    private static Map<String, Object> preflight(PreflightResult r) {
        ApprovalPolicy policy = r.approval();
        Duration timeout = policy.timeout() == null ? ApprovalPolicy.DEFAULT_TIMEOUT : policy.timeout();
        Map<String, Object> approval = ordered(
                "gates", Arrays.stream(Gate.values()).filter(policy.gates()::contains).map(Gate::id).toList(),
                "timeoutMinutes", (int) timeout.toMinutes(),
                "submitters", List.copyOf(policy.submitters()),
                "fourEyes", policy.fourEyes());
        // violations: a violation fails the step before it returns, so a returned preflight has none.
        return ordered("environment", r.environment(), "violations", List.of(), "release", r.release(), "approval", approval,
                "alias", r.alias(), "resumed", r.resumed(), "phases", r.phases());
    }

    private static Map<String, Object> images(ImagesResult r) {
        Map<String, Object> byService = new LinkedHashMap<>();
        r.images().forEach(image -> byService.put(image.service(), image(image)));
        return ordered("images", byService, "built", r.built(), "reused", r.reused());
    }

    static Map<String, Object> image(ImageRef image) {
        Map<String, Object> out = ordered("image", image.repository(), "tag", image.tag(), "tags", image.tags(), "digest", image.digest(),
                "ref", image.ref(), "built", image.built());
        if (image.promotedFrom() != null) {
            out.put("promotedFrom", image.promotedFrom().describe());
        }
        return out;
    }

    private static Map<String, Object> scan(ScanResult r) {
        Map<String, Object> byImage = new LinkedHashMap<>();
        r.images().forEach(s -> byImage.put(s.image(), ordered("ref", s.ref(), "scan", s.scan(), "counts", new LinkedHashMap<>(s.counts()))));
        return ordered("images", byImage, "blocking", r.blocking(), "summary", r.summary());
    }

    private static Map<String, Object> migrations(MigrationsResult r) {
        List<Map<String, Object>> executions = new ArrayList<>();
        for (MigrationRun run : r.executions()) {
            executions.add(ordered("job", run.job(), "execution", run.execution(), "result", run.result(), "image", run.image()));
        }
        return ordered("executions", executions, "result", MigrationResult.SUCCEEDED, "skipped", r.skipped());
    }

    private static Map<String, Object> tofu(TofuResult r) {
        return ordered("planHash", r.planHash(), "summaryText", r.summaryText(), "counts", new LinkedHashMap<>(r.counts()),
                "changed", r.changed(), "applied", r.applied(), "outputs", new LinkedHashMap<>(r.outputs()),
                "imageChanges", r.imageChanges(), "skipped", r.skipped());
    }

    private static Map<String, Object> gateway(GatewayResult r) {
        Map<String, Object> out = ordered("image", r.image() == null ? null : image(r.image()), "urlsUsed", r.urlsUsed());
        if (r.tofu() != null) {
            out.put("planHash", r.tofu().planHash());
            out.put("summaryText", r.tofu().summaryText());
            out.put("imageChanges", r.tofu().imageChanges());
            out.put("applied", r.tofu().applied());
            out.put("skipped", r.tofu().skipped());
        }
        if (r.health() != null) {
            out.put("health", health(r.health()));
        }
        return out;
    }

    private static Map<String, Object> health(HealthReport report) {
        Map<String, Object> results = new LinkedHashMap<>();
        for (HealthResult r : report.results()) {
            results.put(r.name(), ordered("healthy", r.healthy(), "attempts", r.attempts(), "status", r.lastStatus(), "millis", r.millis(),
                    "url", r.url()));
        }
        return ordered("healthy", report.healthy(), "results", results);
    }

    private static Map<String, Object> smoke(SmokeReport report) {
        List<Map<String, Object>> results = new ArrayList<>();
        for (SmokeResult r : report.results()) {
            results.add(ordered("target", r.target(), "name", r.name(), "method", r.method(), "path", r.path(), "passed", r.passed(),
                    "status", r.status(), "millis", r.millis(), "detail", r.detail()));
        }
        return ordered("passed", report.passed(), "results", results);
    }

    private static Map<String, Object> rollback(RollbackOutcome r) {
        Map<String, Object> moved = new LinkedHashMap<>();
        for (RollbackPlan.Move move : r.moved()) {
            moved.put(move.service(), ordered("from", move.from(), "to", move.toRevision()));
        }
        return ordered("moved", moved, "healthy", r.healthy(), "release", r.release());
    }

    /** A map in the order given: key, value, key, value… (values may be null, as docs/STEPS.md allows). */
    private static Map<String, Object> ordered(Object... keysAndValues) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            out.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return out;
    }
}
