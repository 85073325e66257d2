package io.mmdeploy.engine.onboard;

import java.util.List;

/**
 * What a deploy needs from an environment's project: the APIs it calls and the permissions its identity must hold, each
 * with the predefined role that grants it (the roles seed 000 and docs/releases.md give the deployer) and what it is for.
 * One list, read by doctor, bootstrap and the deploy's preflight, so that they never disagree.
 */
public final class RequiredAccess {
    private RequiredAccess() {}

    /** Where a permission is asked: the project, or one of the resources the deploy uses inside it. */
    public enum Scope {
        PROJECT("the project"),
        REPOSITORY("the Artifact Registry repository"),
        STATE_BUCKET("the OpenTofu state bucket"),
        SECRET("each mm-deploy secret");

        private final String label;

        Scope(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    /** An API by its Service Usage name, e.g. {@code run.googleapis.com}. */
    public record Api(String service, String usedFor) {}

    /** A permission on a scope, the predefined role that grants it, and why the deploy needs it. */
    public record Permission(Scope scope, String name, String role, String usedFor) {}

    static final String RUN_ADMIN = "roles/run.admin";
    static final String SA_USER = "roles/iam.serviceAccountUser";
    static final String BUILDS_EDITOR = "roles/cloudbuild.builds.editor";
    static final String SECRETS_ADMIN = "roles/secretmanager.admin";
    static final String AR_WRITER = "roles/artifactregistry.writer";
    static final String OBJECT_ADMIN = "roles/storage.objectAdmin";

    /** The APIs a deploy calls (Resource Manager too: the permission check itself asks it). */
    public static final List<Api> APIS = List.of(
            new Api("run.googleapis.com", "Cloud Run services, revisions, jobs and executions"),
            new Api("artifactregistry.googleapis.com", "the image repository and its tags"),
            new Api("cloudbuild.googleapis.com", "image builds (builder cloudbuild, the default)"),
            new Api("secretmanager.googleapis.com", "the services' URLs and the release records"),
            new Api("storage.googleapis.com", "the OpenTofu state, the lease and build contexts"),
            new Api("cloudresourcemanager.googleapis.com", "the permission check before every deploy"));

    /** What the deployer's identity must hold. */
    public static final List<Permission> DEPLOYER = List.of(
            run("run.services.get", "read services and their URLs"),
            run("run.services.list", "read services and their URLs"),
            run("run.services.create", "create services (OpenTofu apply)"),
            run("run.services.update", "deploy revisions, move traffic, roll back"),
            run("run.revisions.get", "health-check and roll back to revisions"),
            run("run.revisions.list", "list revisions for rollback"),
            run("run.jobs.get", "read migration jobs"),
            run("run.jobs.update", "point migration jobs at the new image"),
            run("run.jobs.run", "run the migrations"),
            run("run.executions.get", "wait for the migrations"),
            run("run.operations.get", "wait for Cloud Run operations"),
            new Permission(Scope.PROJECT, "iam.serviceAccounts.actAs", SA_USER, "deploy revisions and jobs that run as a service account"),
            new Permission(Scope.PROJECT, "cloudbuild.builds.create", BUILDS_EDITOR, "build images with Cloud Build"),
            new Permission(Scope.PROJECT, "cloudbuild.builds.get", BUILDS_EDITOR, "wait for image builds"),
            new Permission(Scope.PROJECT, "secretmanager.secrets.create", SECRETS_ADMIN,
                    "create the URLs and records secrets on the first deploy"),
            repository("artifactregistry.repositories.uploadArtifacts", "push images"),
            repository("artifactregistry.repositories.downloadArtifacts", "reuse images built before"),
            repository("artifactregistry.tags.get", "find images by their fingerprint tag"),
            repository("artifactregistry.tags.create", "tag images (release and alias tags)"),
            repository("artifactregistry.tags.update", "move the <env>-latest alias"),
            bucket("storage.objects.get", "read the OpenTofu state and the lease"),
            bucket("storage.objects.list", "find the OpenTofu state"),
            bucket("storage.objects.create", "write the OpenTofu state and take the lease"),
            bucket("storage.objects.delete", "give the lease back and unlock the state"),
            secret("secretmanager.secrets.get", "find the secret"),
            secret("secretmanager.versions.add", "store the URLs and release records"),
            secret("secretmanager.versions.access", "read the URLs and release records"));

    /** What bootstrap's identity (often an administrator's, not the deployer's) must hold on the project to create the rest. */
    public static final List<Permission> BOOTSTRAP = List.of(
            new Permission(Scope.PROJECT, "serviceusage.services.enable", "roles/serviceusage.serviceUsageAdmin", "enable the APIs"),
            new Permission(Scope.PROJECT, "artifactregistry.repositories.create", "roles/artifactregistry.admin", "create the repository"),
            new Permission(Scope.PROJECT, "storage.buckets.create", "roles/storage.admin", "create the state bucket"));

    /** What a deployer also holds where the environment has a {@code rollout}: its canary reads Cloud Monitoring. */
    public static final List<Permission> CANARY = List.of(new Permission(Scope.PROJECT, "monitoring.timeSeries.list",
            "roles/monitoring.viewer", "read a canary's request counts and latency (rollout.analysis)"));

    public static List<Permission> deployer(Scope scope) {
        return DEPLOYER.stream().filter(p -> p.scope() == scope).toList();
    }

    private static Permission run(String name, String usedFor) {
        return new Permission(Scope.PROJECT, name, RUN_ADMIN, usedFor);
    }

    private static Permission repository(String name, String usedFor) {
        return new Permission(Scope.REPOSITORY, name, AR_WRITER, usedFor);
    }

    private static Permission bucket(String name, String usedFor) {
        return new Permission(Scope.STATE_BUCKET, name, OBJECT_ADMIN, usedFor);
    }

    private static Permission secret(String name, String usedFor) {
        return new Permission(Scope.SECRET, name, SECRETS_ADMIN, usedFor);
    }
}
