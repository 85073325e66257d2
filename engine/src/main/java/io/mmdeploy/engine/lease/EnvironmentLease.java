package io.mmdeploy.engine.lease;

import com.google.cloud.storage.Blob;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageException;
import io.mmdeploy.engine.config.EnvironmentSpec;
import io.mmdeploy.engine.diagnostics.DeployException;
import io.mmdeploy.engine.port.Sleeper;
import io.mmdeploy.engine.port.StageLog;
import io.mmdeploy.engine.port.Workspace;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * One mutating run per environment, whoever runs it (a Jenkins build, a terminal): a lease object in the
 * environment's own state bucket, beside the OpenTofu state. It is created with a generation precondition
 * ({@code ifGenerationMatch=0}), so of two runs exactly one creates it; every later write names the generation it
 * read, so a lease that was broken or taken over in between is noticed instead of overwritten. A lease names its
 * holder, its release, when it started and when it expires; the run renews it at every phase and, while a phase runs,
 * every TTL/3 ({@link Lease#keepAlive}). A second run waits up
 * to its timeout, then fails naming the holder. An expired lease is a run that died: it is broken only on request
 * ({@code --break-lease}), naming whom it belonged to.
 */
public final class EnvironmentLease {
    public static final String STAGE = "lease";
    /** Long enough for the longest phase between two renewals (a 20-minute build). */
    public static final Duration TTL = Duration.ofMinutes(30);
    static final Duration POLL = Duration.ofSeconds(10);
    static final String OBJECT = "mm-deploy.lease";
    private static final String HOLDER = "mm-holder";
    private static final String RELEASE = "mm-release";
    private static final String STARTED = "mm-started";
    private static final String EXPIRES = "mm-expires";
    private static final int PRECONDITION_FAILED = 412;
    private static final int NOT_FOUND = 404;

    private final Storage storage;
    private final BlobId object;
    private final String environment;
    private final Clock clock;
    private final Sleeper sleeper;
    private final StageLog log;

    EnvironmentLease(Storage storage, BlobId object, String environment, Clock clock, Sleeper sleeper, StageLog log) {
        this.storage = storage;
        this.object = object;
        this.environment = environment;
        this.clock = clock;
        this.sleeper = sleeper;
        this.log = log;
    }

    /**
     * The lease of an environment whose backend config names a gcs bucket; the object sits under the state's prefix.
     * Empty when the state is not in a bucket (a local backend is one machine's: there is nothing to share).
     */
    public static Optional<EnvironmentLease> of(EnvironmentSpec env, Workspace workspace, Storage storage, Clock clock, Sleeper sleeper,
            StageLog log) {
        return StateBucket.of(env, workspace).map(state -> new EnvironmentLease(storage, BlobId.of(state.bucket(), state.object(OBJECT)),
                env.name(), clock, sleeper, log));
    }

    /** Who holds a lease, and until when. */
    public record Holder(String holder, String release, Instant startedAt, Instant expiresAt, long generation) {
        public String describe() {
            return holder + " (release " + release + ", since " + startedAt + ", lease until " + expiresAt + ")";
        }
    }

    public String location() {
        return "gs://" + object.getBucket() + "/" + object.getName();
    }

    /** The current lease, if any. */
    public Optional<Holder> current() {
        try {
            Blob blob = storage.get(object);
            return blob == null ? Optional.empty() : Optional.of(holder(blob));
        } catch (StorageException e) {
            throw failure("read", e);
        }
    }

    /**
     * Takes the lease for {@code release}: creates it, or takes over one the same holder holds for the same release (the
     * same run's next step), or waits up to {@code wait} for another run's to go.
     *
     * @param breakStale break an expired lease of another run (it is named in the log) instead of refusing
     */
    public Lease acquire(String holder, String release, Duration wait, boolean breakStale) throws InterruptedException {
        return acquire(holder, release, wait, breakStale, null);
    }

    /**
     * As {@link #acquire(String, String, Duration, boolean)}, for a run that held the lease in an earlier phase: one
     * renewal on the generation it last saw proves it still holds it (another run's take or break changed the generation,
     * and the lease is then acquired as by anyone). It is the same {@link Lease}, so phases that ask at once share its
     * renewal ({@link Lease#renew}).
     *
     * @param held the lease this process took for this run before; null for none
     */
    public Lease acquire(String holder, String release, Duration wait, boolean breakStale, Lease held) throws InterruptedException {
        if (held != null && held.holder().equals(holder) && held.release().equals(release) && !held.closed()) {
            try {
                held.renew();
                return held;
            } catch (DeployException lost) {
                // Given back, or taken by another run since: ask as anyone does.
            }
        }
        Instant deadline = clock.instant().plus(wait);
        boolean waited = false;
        while (true) {
            Instant now = clock.instant();
            Optional<Lease> created = create(holder, release, now);
            if (created.isPresent()) {
                return created.get();
            }
            Optional<Holder> found = current();
            if (found.isEmpty()) {
                continue;
            }
            Holder other = found.get();
            // The same run's next step (same holder, same release) takes its own lease over; two runs that happen to get
            // the same release id (same commit, same second) still exclude each other.
            if (other.release().equals(release) && other.holder().equals(holder)) {
                Lease taken = new Lease(this, holder, release, other.startedAt(), other.generation());
                taken.renew();
                return taken;
            }
            if (!other.expiresAt().isAfter(now)) {
                if (!breakStale) {
                    throw DeployException.of("The lease of " + environment + " is stale: " + other.describe(),
                            "Nobody renewed it since " + other.expiresAt() + ", so that run most likely died. Nothing was changed. If "
                                    + other.holder() + " is no longer running, break the lease: rerun with --break-lease"
                                    + " (it is named in the log). Lease object: " + location() + ".");
                }
                log.warn("Breaking the stale lease of " + environment + " held by " + other.describe());
                delete(other.generation());
                continue;
            }
            if (!now.isBefore(deadline)) {
                throw DeployException.of(environment + " is being changed by another run: " + other.holder(),
                        "Held by " + other.describe() + (waited ? "; waited " + wait.toSeconds() + " s" : "")
                                + ". One run changes an environment at a time. Nothing was changed: run again when it ends."
                                + " Lease object: " + location() + ".");
            }
            if (!waited) {
                log.info(environment + " is held by " + other.describe() + "; waiting up to " + wait.toSeconds() + " s");
                waited = true;
            }
            sleeper.sleep(POLL);
        }
    }

    private Optional<Lease> create(String holder, String release, Instant now) {
        try {
            Blob blob = storage.create(info(holder, release, now, null), body(holder, release, now),
                    Storage.BlobTargetOption.doesNotExist());
            log.info("Lease of " + environment + " taken by " + holder + " for release " + release + " (" + location() + ")");
            return Optional.of(new Lease(this, holder, release, now, blob.getGeneration()));
        } catch (StorageException e) {
            if (e.getCode() == PRECONDITION_FAILED) {
                return Optional.empty();
            }
            throw failure("create", e);
        }
    }

    /** Extends the lease the caller holds at {@code generation}; returns the new generation. */
    long renew(String holder, String release, Instant startedAt, long generation) {
        Instant now = clock.instant();
        try {
            Blob blob = storage.create(info(holder, release, startedAt, now), body(holder, release, startedAt),
                    Storage.BlobTargetOption.generationMatch(generation));
            return blob.getGeneration();
        } catch (StorageException e) {
            if (e.getCode() == PRECONDITION_FAILED || e.getCode() == NOT_FOUND) {
                throw lost(holder, release);
            }
            throw failure("renew", e);
        }
    }

    /** Gives back a lease of this run found in the bucket (a step that does not hold the {@link Lease} object). */
    public void giveBack(Holder holder) {
        release(holder.generation(), holder.release());
    }

    void release(long generation, String release) {
        try {
            delete(generation);
            log.info("Lease of " + environment + " released by release " + release);
        } catch (DeployException e) {
            log.warn("Could not release the lease of " + environment + ": " + e.diagnostics().get(0).summary());
        }
    }

    private void delete(long generation) {
        try {
            storage.delete(BlobId.of(object.getBucket(), object.getName(), generation), Storage.BlobSourceOption.generationMatch());
        } catch (StorageException e) {
            if (e.getCode() != PRECONDITION_FAILED && e.getCode() != NOT_FOUND) {
                throw failure("delete", e);
            }
        }
    }

    private DeployException lost(String holder, String release) {
        Holder now = current().orElse(null);
        return DeployException.of("The lease of " + environment + " was lost",
                holder + " (release " + release + ") no longer holds it: " + (now == null ? "it was deleted" : "it is now held by " + now.describe())
                        + ". Stopping before the next change; the other run owns the environment now.");
    }

    private BlobInfo info(String holder, String release, Instant startedAt, Instant renewedAt) {
        Instant from = renewedAt == null ? startedAt : renewedAt;
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put(HOLDER, holder);
        meta.put(RELEASE, release);
        meta.put(STARTED, startedAt.toString());
        meta.put(EXPIRES, from.plus(TTL).toString());
        return BlobInfo.newBuilder(object).setContentType("application/json").setMetadata(meta).build();
    }

    private static byte[] body(String holder, String release, Instant startedAt) {
        return ("{\"holder\":\"" + holder.replace("\"", "'") + "\",\"release\":\"" + release + "\",\"startedAt\":\"" + startedAt + "\"}\n")
                .getBytes(StandardCharsets.UTF_8);
    }

    private static Holder holder(Blob blob) {
        Map<String, String> meta = blob.getMetadata() == null ? Map.of() : blob.getMetadata();
        return new Holder(meta.getOrDefault(HOLDER, "unknown"), meta.getOrDefault(RELEASE, "unknown"),
                Instant.parse(meta.getOrDefault(STARTED, Instant.EPOCH.toString())),
                Instant.parse(meta.getOrDefault(EXPIRES, Instant.EPOCH.toString())), blob.getGeneration());
    }

    private DeployException failure(String what, StorageException e) {
        return DeployException.of("Cannot " + what + " the lease of " + environment + " (" + location() + ")",
                "Cloud Storage answered " + e.getCode() + ": " + e.getMessage()
                        + ". The deployer needs roles/storage.objectAdmin on the state bucket, as OpenTofu's gcs backend does.");
    }
}
