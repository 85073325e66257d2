package io.mmdeploy.engine.onboard;

import com.google.api.gax.rpc.ApiException;
import com.google.api.serviceusage.v1.BatchGetServicesRequest;
import com.google.api.serviceusage.v1.Service;
import com.google.api.serviceusage.v1.State;
import io.mmdeploy.engine.config.EnvironmentSpec;
import io.mmdeploy.engine.gcp.GoogleClients;
import io.mmdeploy.engine.onboard.DoctorReport.Check;
import io.mmdeploy.engine.onboard.DoctorReport.Status;
import io.mmdeploy.engine.onboard.EnvironmentResources.Found;
import io.mmdeploy.engine.onboard.EnvironmentResources.Presence;
import io.mmdeploy.engine.onboard.RequiredAccess.Api;
import io.mmdeploy.engine.onboard.RequiredAccess.Scope;
import io.mmdeploy.engine.port.Workspace;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code mmdeploy doctor}: read-only checks of an environment's project, each with a fix. The APIs a deploy calls are
 * enabled, the registry and the state bucket exist there (the bucket versioned and owned by the project), the URLs and
 * records secrets exist or can be created, and the credentials hold every permission ({@link PermissionCheck}).
 */
public final class EnvironmentDoctor {
    /** The label bootstrap puts on what it creates, with the environment's name as its value. */
    public static final String ENVIRONMENT_LABEL = "mm-deploy-environment";

    private final Workspace workspace;

    public EnvironmentDoctor(Workspace workspace) {
        this.workspace = workspace;
    }

    public DoctorReport examine(EnvironmentSpec env, GoogleClients clients) throws InterruptedException {
        List<Check> checks = new ArrayList<>(apis(env, clients));
        EnvironmentResources resources = EnvironmentResources.read(env, workspace, clients);
        checks.add(repository(env, resources.repository()));
        checks.add(resources.stateBucket().map(b -> bucket(env, b)).orElseGet(() -> new Check("state-bucket", "(none)", Status.WARN,
                "the backend config names no gcs bucket: the state is local to one machine and deploys hold no lease", "", null)));
        PermissionReport permissions = new PermissionCheck(workspace).check(env, clients, resources);
        boolean canCreateSecrets = permissions.missing().stream().noneMatch(m -> m.permission().name().equals("secretmanager.secrets.create"));
        for (Found secret : resources.secrets()) {
            checks.add(secret(secret, canCreateSecrets));
        }
        for (PermissionReport.Missing m : permissions.missing()) {
            checks.add(new Check("permission", m.permission().name(), Status.FAILED, "not held on " + m.resource() + ", needed to "
                    + m.permission().usedFor(), "grant " + m.permission().role() + " on " + m.resource()
                    + (m.askedOn() == Scope.PROJECT ? "" : " (or on the project)"), null));
        }
        for (PermissionReport.Unverified u : permissions.unverified()) {
            checks.add(new Check("permission", u.resource(), Status.FAILED, "could not be asked: " + u.reason(),
                    "enable the API named in the reason, then run doctor again", null));
        }
        if (permissions.complete()) {
            checks.add(new Check("permission", RequiredAccess.DEPLOYER.size() + " permissions", Status.OK, "all held", "", null));
        }
        return new DoctorReport(env.name(), env.projectId(), checks, permissions);
    }

    public static Map<String, String> labels(EnvironmentSpec env) {
        return Map.of(ENVIRONMENT_LABEL, env.name(), "managed-by", "mm-deploy");
    }

    private static List<Check> apis(EnvironmentSpec env, GoogleClients clients) {
        String parent = "projects/" + env.projectId();
        List<Service> services;
        try {
            services = clients.serviceUsage().batchGetServices(BatchGetServicesRequest.newBuilder().setParent(parent)
                    .addAllNames(RequiredAccess.APIS.stream().map(a -> parent + "/services/" + a.service()).toList()).build())
                    .getServicesList();
        } catch (ApiException e) {
            return List.of(new Check("api", "Service Usage", Status.FAILED, "cannot list the enabled APIs (" + e.getStatusCode().getCode()
                    + "): " + e.getMessage(), "enable serviceusage.googleapis.com in " + env.projectId()
                    + " and grant roles/serviceusage.serviceUsageViewer, then run doctor again", null));
        }
        List<String> disabled = new ArrayList<>();
        List<Check> checks = new ArrayList<>();
        for (Api api : RequiredAccess.APIS) {
            boolean on = services.stream().anyMatch(s -> s.getName().endsWith("/services/" + api.service()) && s.getState() == State.ENABLED);
            if (!on) {
                disabled.add(api.service());
            }
        }
        Remedy enable = disabled.isEmpty() ? null : new Remedy.EnableApis(env.projectId(), disabled);
        for (Api api : RequiredAccess.APIS) {
            boolean off = disabled.contains(api.service());
            checks.add(new Check("api", api.service(), off ? Status.MISSING : Status.OK, off ? "disabled; needed for " + api.usedFor() : "enabled",
                    off ? fix(env, new Remedy.EnableApis(env.projectId(), List.of(api.service()))) : "", off ? enable : null));
        }
        return checks;
    }

    private static Check repository(EnvironmentSpec env, Found found) {
        String subject = env.registry().toString();
        return switch (found.presence()) {
            case PRESENT -> found.problem() == null ? new Check("repository", subject, Status.OK, "", "", null)
                    : new Check("repository", subject, Status.FAILED, found.problem(),
                            "name a Docker repository in environments." + env.name() + ".registry", null);
            case ABSENT -> {
                Remedy create = new Remedy.CreateRepository(env.registry().project(), env.registry().location(), env.registry().repository(), labels(env));
                yield new Check("repository", subject, Status.MISSING, "does not exist", fix(env, create), create);
            }
            case UNREADABLE -> new Check("repository", subject, Status.FAILED, found.problem(), "grant roles/artifactregistry.reader or enable the API", null);
        };
    }

    private static Check bucket(EnvironmentSpec env, Found found) {
        String subject = "gs://" + found.name();
        if (found.presence() == Presence.ABSENT) {
            Remedy create = new Remedy.CreateBucket(env.projectId(), found.name(), env.region(), labels(env));
            return new Check("state-bucket", subject, Status.MISSING, "does not exist", fix(env, create), create);
        }
        if (found.problem() == null) {
            return new Check("state-bucket", subject, Status.OK, "object versioning on", "", null);
        }
        String fix = found.problem().startsWith("object versioning")
                ? "gcloud storage buckets update " + subject + " --versioning"
                : "use a bucket of " + env.projectId() + " in " + env.tofu().backendConfig();
        return new Check("state-bucket", subject, Status.FAILED, found.problem(), fix, null);
    }

    private static Check secret(Found found, boolean creatable) {
        return switch (found.presence()) {
            case PRESENT -> new Check("secret", found.name(), Status.OK, "exists", "", null);
            case ABSENT -> creatable
                    ? new Check("secret", found.name(), Status.OK, "creatable: the first deploy creates it", "", null)
                    : new Check("secret", found.name(), Status.FAILED, "does not exist and the credentials cannot create it",
                            "grant " + RequiredAccess.SECRETS_ADMIN + " on the project", null);
            case UNREADABLE -> new Check("secret", found.name(), Status.FAILED, found.problem(), "grant " + RequiredAccess.SECRETS_ADMIN, null);
        };
    }

    private static String fix(EnvironmentSpec env, Remedy remedy) {
        return "mmdeploy bootstrap --env " + env.name() + " --apply, or: " + remedy.gcloud();
    }
}
