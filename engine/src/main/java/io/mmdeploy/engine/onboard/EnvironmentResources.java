package io.mmdeploy.engine.onboard;

import com.google.api.gax.rpc.ApiException;
import com.google.api.gax.rpc.StatusCode;
import com.google.cloud.secretmanager.v1.SecretName;
import com.google.cloud.storage.Bucket;
import com.google.cloud.storage.StorageException;
import com.google.devtools.artifactregistry.v1.Repository;
import com.google.devtools.artifactregistry.v1.RepositoryName;
import io.mmdeploy.engine.config.EnvironmentSpec;
import io.mmdeploy.engine.config.RegistryPath;
import io.mmdeploy.engine.gcp.ApiFailure;
import io.mmdeploy.engine.gcp.GoogleClients;
import io.mmdeploy.engine.lease.StateBucket;
import io.mmdeploy.engine.port.Workspace;
import io.mmdeploy.engine.release.SecretManagerReleaseStore;
import io.mmdeploy.engine.run.NamedTask;
import io.mmdeploy.engine.run.ParallelRunner;
import io.mmdeploy.engine.run.TaskOutcome;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executor;

/**
 * The resources a deploy uses in its environment's project, as they are now: the Artifact Registry repository, the
 * OpenTofu state bucket (none with local state), the URLs and records secrets. Read only; a resource that cannot be read
 * (no permission, API off) says why instead of failing the whole check.
 *
 * @param repository the config's registry
 * @param bucket the backend's bucket; null when the state is local
 * @param secrets the URLs secret, then the records secret
 */
public record EnvironmentResources(Found repository, Found bucket, List<Found> secrets) {
    static final String STAGE = "resources";

    public enum Presence { PRESENT, ABSENT, UNREADABLE }

    /**
     * @param name the resource name as its API takes it ({@code projects/…/repositories/…}, a bucket name, {@code projects/…/secrets/…})
     * @param problem what is wrong with a present resource (format, versioning, owner), or why it could not be read; null when fine
     */
    public record Found(String name, Presence presence, String problem) {
        public boolean present() {
            return presence == Presence.PRESENT;
        }
    }

    public EnvironmentResources {
        secrets = List.copyOf(secrets);
    }

    public Optional<Found> stateBucket() {
        return Optional.ofNullable(bucket);
    }

    public static String repositoryName(RegistryPath registry) {
        return RepositoryName.of(registry.project(), registry.location(), registry.repository()).toString();
    }

    /** The secret ids mm-deploy writes in the environment's project: the URLs secret and the release records. */
    public static List<String> secretIds(EnvironmentSpec env) {
        return List.of(env.serviceUrlsSecret(), SecretManagerReleaseStore.secretId(env));
    }

    /** Each resource read at once (they are independent): the repository, the bucket, the secrets. */
    public static EnvironmentResources read(EnvironmentSpec env, Workspace workspace, GoogleClients clients) throws InterruptedException {
        return read(env, workspace, clients, ParallelRunner.FRESH_THREADS);
    }

    /** The same, on the given threads (a run's). */
    public static EnvironmentResources read(EnvironmentSpec env, Workspace workspace, GoogleClients clients, Executor threads)
            throws InterruptedException {
        Optional<StateBucket> state = StateBucket.of(env, workspace);
        List<NamedTask<Found>> reads = new ArrayList<>();
        String repository = repositoryName(env.registry());
        reads.add(new NamedTask<>(repository, () -> repository(clients, repository)));
        state.ifPresent(s -> reads.add(new NamedTask<>(s.bucket(), () -> bucket(env, clients, s.bucket()))));
        for (String id : secretIds(env)) {
            String name = SecretName.of(env.projectId(), id).toString();
            reads.add(new NamedTask<>(name, () -> secret(clients, name)));
        }
        List<Found> found = TaskOutcome.valuesOrThrow(new ParallelRunner(reads.size(), threads).runAll(STAGE, reads));
        int secretsFrom = state.isPresent() ? 2 : 1;
        return new EnvironmentResources(found.get(0), state.isPresent() ? found.get(1) : null, found.subList(secretsFrom, found.size()));
    }

    private static Found repository(GoogleClients clients, String name) {
        try {
            Repository repository = clients.artifactRegistry().getRepository(name);
            return new Found(name, Presence.PRESENT, repository.getFormat() == Repository.Format.DOCKER ? null
                    : "its format is " + repository.getFormat() + ", not DOCKER: images cannot be pushed to it");
        } catch (ApiException e) {
            return absentOrUnreadable(name, e);
        }
    }

    private static Found secret(GoogleClients clients, String name) {
        try {
            clients.secretManager().getSecret(name);
            return new Found(name, Presence.PRESENT, null);
        } catch (ApiException e) {
            return absentOrUnreadable(name, e);
        }
    }

    private static Found bucket(EnvironmentSpec env, GoogleClients clients, String name) {
        Bucket bucket;
        try {
            bucket = clients.storage().get(name);
        } catch (StorageException e) {
            return new Found(name, Presence.UNREADABLE, "cannot read it (HTTP " + e.getCode() + "): " + e.getMessage());
        }
        if (bucket == null) {
            return new Found(name, Presence.ABSENT, null);
        }
        BigInteger owner = bucket.getProject();
        if (owner != null && !owner.toString().equals(env.projectNumber())) {
            return new Found(name, Presence.PRESENT, "it belongs to project number " + owner + ", not to " + env.projectId()
                    + " (" + env.projectNumber() + "): an environment's state must stay in its own project");
        }
        return new Found(name, Presence.PRESENT, Boolean.TRUE.equals(bucket.versioningEnabled()) ? null
                : "object versioning is off: a broken state write could not be undone");
    }

    private static Found absentOrUnreadable(String name, ApiException e) {
        if (ApiFailure.is(e, StatusCode.Code.NOT_FOUND)) {
            return new Found(name, Presence.ABSENT, null);
        }
        return new Found(name, Presence.UNREADABLE, "cannot read it (" + e.getStatusCode().getCode() + "): " + e.getMessage());
    }
}
