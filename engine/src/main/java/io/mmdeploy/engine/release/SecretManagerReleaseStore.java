package io.mmdeploy.engine.release;

import com.google.cloud.secretmanager.v1.SecretManagerServiceClient;
import com.google.cloud.secretmanager.v1.SecretName;
import io.mmdeploy.engine.config.EnvironmentSpec;
import io.mmdeploy.engine.diagnostics.DeployException;
import io.mmdeploy.engine.gcp.SecretVersions;
import io.mmdeploy.engine.port.SecretMask;
import io.mmdeploy.engine.port.StageLog;
import io.mmdeploy.engine.run.NamedTask;
import io.mmdeploy.engine.run.ParallelRunner;
import io.mmdeploy.engine.run.TaskOutcome;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Release records as the versions of the secret {@code mm-releases-<env>} in the environment's own project
 * (docs/releases.md says why): each version is immutable and numbered in write order, and reading them needs
 * only the project's Secret Manager permission. Records are stored compact and refused, not truncated, above
 * Secret Manager's 64 KiB payload limit, and refused when they contain any value of the run's secret mask.
 */
public final class SecretManagerReleaseStore implements ReleaseStore {
    public static final int MAX_PAYLOAD_BYTES = 64 * 1024;
    static final Map<String, String> LABELS = Map.of("managed-by", "mm-deploy", "mm-deploy-content", "release-records");

    private final SecretVersions versions;
    private final EnvironmentSpec env;
    private final SecretMask mask;
    private final ParallelRunner runner;
    private final StageLog log;
    private final Map<Long, ReleaseRecord> known;

    /** @param runner reads the history's versions in parallel */
    public SecretManagerReleaseStore(SecretManagerServiceClient secrets, EnvironmentSpec env, SecretMask mask, ParallelRunner runner, StageLog log) {
        this(secrets, env, mask, runner, log, new ConcurrentHashMap<>());
    }

    /**
     * @param known the versions read before (by number) by this host's run, filled as more are read: a version never
     *     changes, so each phase of a run reads only the versions written since (a long history is not read again per phase)
     */
    public SecretManagerReleaseStore(SecretManagerServiceClient secrets, EnvironmentSpec env, SecretMask mask, ParallelRunner runner, StageLog log,
            Map<Long, ReleaseRecord> known) {
        this.known = known;
        this.versions = new SecretVersions(secrets, SecretName.of(env.projectId(), secretId(env)));
        this.runner = runner;
        this.env = env;
        this.mask = mask;
        this.log = log;
    }

    public static String secretId(EnvironmentSpec env) {
        return "mm-releases-" + env.name();
    }

    @Override
    public void append(ReleaseRecord record) {
        if (!record.environment().equals(env.name()) || !env.projectId().equals(record.projectId())) {
            throw new IllegalArgumentException("a record of " + record.environment() + " does not belong in " + versions.secret());
        }
        String json = ReleaseJson.compact(record);
        if (!mask.mask(json).equals(json)) {
            // Which field is not said: naming it could be enough to guess the value.
            throw DeployException.of("Release record " + record.id() + " contains a secret value",
                    "A value registered as secret in this run appears in the record (a plan summary or a failure detail"
                            + " is the usual carrier). The record was not written. Redact it at its source.");
        }
        byte[] data = json.getBytes(StandardCharsets.UTF_8);
        if (data.length > MAX_PAYLOAD_BYTES) {
            throw DeployException.of("Release record " + record.id() + " is " + data.length + " bytes, over Secret Manager's "
                            + MAX_PAYLOAD_BYTES + "-byte limit",
                    "Its plan summaries take " + ReleaseJson.compact(record.plans()).length() + " bytes. The record was not"
                            + " written (it is never truncated). Shorten the plan summaries the tofu stage hands over.");
        }
        if (versions.ensureExists(LABELS)) {
            log.info("Created the secret " + versions.secret() + " for release records");
        }
        long number = versions.add(data);
        log.info("Release " + record.id() + " (" + record.outcome().describe() + ") stored as " + versions.secret().getSecret()
                + " version " + number);
    }

    /** Reads every version, several at a time: a rollback during an incident should not wait on a long history. */
    @Override
    public List<ReleaseRecord> readAll() {
        Optional<SecretVersions.Version> latest = versions.access("latest");
        if (latest.isEmpty()) {
            return List.of();
        }
        // Versions are numbered 1, 2, … in write order; a disabled or destroyed one is skipped.
        List<NamedTask<Optional<ReleaseRecord>>> reads = new ArrayList<>();
        for (long n = 1; n < latest.get().number(); n++) {
            if (!known.containsKey(n)) {
                String version = Long.toString(n);
                reads.add(new NamedTask<>("version " + version, () -> versions.access(version).map(this::remember)));
            }
        }
        try {
            TaskOutcome.valuesOrThrow(runner.runAll("release-history", reads));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw DeployException.of("Reading the release history was interrupted", versions.secret() + " was only read in part.");
        }
        if (!known.containsKey(latest.get().number())) {
            remember(latest.get());
        }
        List<ReleaseRecord> oldestFirst = new ArrayList<>();
        for (long n = 1; n <= latest.get().number(); n++) {
            ReleaseRecord record = known.get(n);
            if (record != null) {
                oldestFirst.add(record);
            }
        }
        return oldestFirst;
    }

    private ReleaseRecord remember(SecretVersions.Version version) {
        ReleaseRecord record = ReleaseJson.read(new String(version.data(), StandardCharsets.UTF_8),
                versions.secret().getSecret() + " version " + version.number());
        known.put(version.number(), record);
        return record;
    }
}
