package io.mmdeploy.engine.onboard;

import com.google.api.gax.rpc.ApiException;
import com.google.cloud.storage.StorageException;
import com.google.iam.v1.TestIamPermissionsRequest;
import io.mmdeploy.engine.config.EnvironmentSpec;
import io.mmdeploy.engine.gcp.GoogleClients;
import io.mmdeploy.engine.onboard.EnvironmentResources.Found;
import io.mmdeploy.engine.onboard.PermissionReport.Missing;
import io.mmdeploy.engine.onboard.PermissionReport.Unverified;
import io.mmdeploy.engine.onboard.RequiredAccess.Permission;
import io.mmdeploy.engine.onboard.RequiredAccess.Scope;
import io.mmdeploy.engine.port.Workspace;
import io.mmdeploy.engine.run.NamedTask;
import io.mmdeploy.engine.run.ParallelRunner;
import io.mmdeploy.engine.run.TaskOutcome;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executor;

/**
 * Asks Google which of the permissions a deploy needs the environment's credentials hold: {@code testIamPermissions} on
 * the project (Resource Manager), the repository (Artifact Registry), the state bucket (Storage) and each mm-deploy
 * secret (Secret Manager). A resource that does not exist yet is asked about on the project, where a grant would reach
 * it once created. Read only; doctor shows the report, a deploy's preflight refuses on it. The resources are read, then
 * asked about, each at once: a handful of calls to four APIs, not one after another.
 */
public final class PermissionCheck {
    static final String STAGE = "permissions";

    private final Workspace workspace;
    private final Executor threads;

    public PermissionCheck(Workspace workspace) {
        this(workspace, ParallelRunner.FRESH_THREADS);
    }

    /** @param threads asks (and reads the resources) on these (a run's threads) */
    public PermissionCheck(Workspace workspace, Executor threads) {
        this.workspace = workspace;
        this.threads = threads;
    }

    /** The deployer's permissions for {@code env}, reading the environment's resources first. */
    public PermissionReport check(EnvironmentSpec env, GoogleClients clients) throws InterruptedException {
        return check(env, clients, EnvironmentResources.read(env, workspace, clients, threads));
    }

    /**
     * A deploy's preflight: refuses, before anything changes, unless the credentials hold every permission the deploy needs
     * (each missing one named with the role that grants it; one that could not be asked counts as missing).
     */
    public void require(EnvironmentSpec env, GoogleClients clients) throws InterruptedException {
        check(env, clients).requireComplete();
    }

    /** The deployer's permissions for {@code env}, with its resources as already read. */
    public PermissionReport check(EnvironmentSpec env, GoogleClients clients, EnvironmentResources resources) throws InterruptedException {
        Asks asks = new Asks(env);
        asks.add(Scope.PROJECT, asks.project, RequiredAccess.deployer(Scope.PROJECT));
        if (env.rollout() != null) {
            asks.add(Scope.PROJECT, asks.project, RequiredAccess.CANARY);
        }
        asks.resource(Scope.REPOSITORY, resources.repository());
        resources.stateBucket().ifPresent(bucket -> asks.resource(Scope.STATE_BUCKET, bucket));
        for (Found secret : resources.secrets()) {
            asks.resource(Scope.SECRET, secret);
        }
        return asks.run(clients, threads);
    }

    /** Only project-level permissions, e.g. the ones bootstrap itself needs. */
    public PermissionReport checkProject(EnvironmentSpec env, GoogleClients clients, List<Permission> permissions) throws InterruptedException {
        Asks asks = new Asks(env);
        asks.add(Scope.PROJECT, asks.project, permissions);
        return asks.run(clients, threads);
    }

    /** The permissions to ask, grouped by the resource they are asked on. */
    private static final class Asks {
        final EnvironmentSpec env;
        final String project;
        final Map<String, Scope> scopes = new LinkedHashMap<>();
        final Map<String, List<Permission>> byResource = new LinkedHashMap<>();

        Asks(EnvironmentSpec env) {
            this.env = env;
            this.project = "projects/" + env.projectId();
        }

        void add(Scope scope, String resource, List<Permission> permissions) {
            scopes.putIfAbsent(resource, scope);
            byResource.computeIfAbsent(resource, k -> new ArrayList<>()).addAll(permissions);
        }

        void resource(Scope scope, Found found) {
            add(found.present() ? scope : Scope.PROJECT, found.present() ? found.name() : project, RequiredAccess.deployer(scope));
        }

        PermissionReport run(GoogleClients clients, Executor threads) throws InterruptedException {
            List<NamedTask<Answer>> tasks = new ArrayList<>();
            for (Map.Entry<String, List<Permission>> e : byResource.entrySet()) {
                tasks.add(new NamedTask<>(e.getKey(), () -> answer(clients, e.getKey(), e.getValue())));
            }
            List<Missing> missing = new ArrayList<>();
            List<Unverified> unverified = new ArrayList<>();
            for (Answer answer : TaskOutcome.valuesOrThrow(new ParallelRunner(tasks.size(), threads).runAll(STAGE, tasks))) {
                missing.addAll(answer.missing());
                answer.unverified().ifPresent(unverified::add);
            }
            return new PermissionReport(env.name(), env.projectId(), missing, unverified);
        }

        /** One resource's answer: what it lacks, or why it could not be asked. */
        private record Answer(List<Missing> missing, Optional<Unverified> unverified) {}

        private Answer answer(GoogleClients clients, String resource, List<Permission> asked) {
            Scope scope = scopes.get(resource);
            List<String> names = asked.stream().map(Permission::name).distinct().toList();
            Set<String> held;
            try {
                held = Set.copyOf(held(clients, scope, resource, names));
            } catch (ApiException ex) {
                return new Answer(List.of(), Optional.of(new Unverified(resource, ex.getStatusCode().getCode() + ": " + ex.getMessage())));
            } catch (StorageException ex) {
                return new Answer(List.of(), Optional.of(new Unverified(resource, "HTTP " + ex.getCode() + ": " + ex.getMessage())));
            }
            List<Missing> missing = new ArrayList<>();
            Set<String> reported = new HashSet<>();
            for (Permission p : asked) {
                if (!held.contains(p.name()) && reported.add(p.name())) {
                    missing.add(new Missing(p, scope, resource));
                }
            }
            return new Answer(missing, Optional.empty());
        }

        private List<String> held(GoogleClients clients, Scope scope, String resource, List<String> names) {
            return switch (scope) {
                case PROJECT -> clients.projects().testIamPermissions(request(resource, names)).getPermissionsList();
                case REPOSITORY -> clients.artifactRegistry().testIamPermissions(request(resource, names)).getPermissionsList();
                case SECRET -> clients.secretManager().testIamPermissions(request(resource, names)).getPermissionsList();
                case STATE_BUCKET -> {
                    List<Boolean> answers = clients.storage().testIamPermissions(resource, names);
                    List<String> out = new ArrayList<>();
                    for (int i = 0; i < names.size(); i++) {
                        if (Boolean.TRUE.equals(answers.get(i))) {
                            out.add(names.get(i));
                        }
                    }
                    yield out;
                }
            };
        }

        private static TestIamPermissionsRequest request(String resource, List<String> names) {
            return TestIamPermissionsRequest.newBuilder().setResource(resource).addAllPermissions(names).build();
        }
    }
}
