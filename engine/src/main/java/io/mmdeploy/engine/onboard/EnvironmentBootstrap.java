package io.mmdeploy.engine.onboard;

import io.mmdeploy.engine.config.EnvironmentSpec;
import io.mmdeploy.engine.diagnostics.DeployException;
import io.mmdeploy.engine.gcp.GoogleClients;
import io.mmdeploy.engine.onboard.DoctorReport.Check;
import io.mmdeploy.engine.onboard.DoctorReport.Status;
import io.mmdeploy.engine.onboard.PermissionReport.Grant;
import io.mmdeploy.engine.onboard.RequiredAccess.Permission;
import io.mmdeploy.engine.port.StageLog;
import io.mmdeploy.engine.port.Workspace;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code mmdeploy bootstrap}: creates what doctor found missing that mm-deploy may own (enable APIs, the Docker
 * repository, the versioned and labelled state bucket) in the environment's own project, never in another; and writes
 * the gcloud commands for what an administrator must do (the deployer's service account, its roles).
 */
public final class EnvironmentBootstrap {
    public static final String STAGE = "bootstrap";
    /** Enabling APIs and creating a repository take seconds to a few minutes. */
    static final Duration OPERATION_WAIT = Duration.ofMinutes(10);

    private final Workspace workspace;
    private final StageLog log;

    public EnvironmentBootstrap(Workspace workspace, StageLog log) {
        this.workspace = workspace;
        this.log = log;
    }

    /**
     * @param deployer the deployer's service-account e-mail for the IAM commands; null for {@code mm-deploy-<env>@<project>}
     *     (and then the command that creates it)
     */
    public BootstrapPlan plan(EnvironmentSpec env, DoctorReport report, String deployer) {
        List<String> admin = new ArrayList<>();
        List<Grant> grants = report.permissions().grants();
        String member = deployer != null ? deployer : "mm-deploy-" + env.name() + "@" + env.projectId() + ".iam.gserviceaccount.com";
        if (!grants.isEmpty() && deployer == null) {
            admin.add("gcloud iam service-accounts create mm-deploy-" + env.name() + " --project=" + env.projectId()
                    + " --display-name=\"mm-deploy deployer (" + env.name() + ")\"   # if the deployer has no service account yet");
        }
        for (Grant g : grants) {
            admin.add(grantCommand(g, "serviceAccount:" + member));
        }
        for (Check c : report.checks()) {
            if (c.status() == Status.FAILED && c.fix().startsWith("gcloud ")) {
                admin.add(c.fix());
            }
        }
        return new BootstrapPlan(env.name(), env.projectId(), report.remedies(), admin);
    }

    /**
     * Makes the plan's changes. Before the first change: every change must be in the environment's project, and the
     * credentials must hold what the changes need; else it refuses with nothing changed.
     *
     * @return one line per change made
     */
    public List<String> apply(EnvironmentSpec env, BootstrapPlan plan, GoogleClients clients) throws InterruptedException {
        for (Remedy r : plan.changes()) {
            if (!r.project().equals(env.projectId())) {
                throw DeployException.of("Refusing to change project " + r.project(),
                        "bootstrap of " + env.name() + " changes only its own project " + env.projectId() + "; the plan asked to "
                                + r.describe() + ". Nothing was changed.");
            }
        }
        requirePermissions(env, plan, clients);
        List<String> done = new ArrayList<>();
        for (Remedy r : plan.changes()) {
            log.info("Starting: " + r.describe());
            r.make(clients, OPERATION_WAIT);
            log.info("Done: " + r.describe());
            done.add(r.describe());
        }
        return done;
    }

    private void requirePermissions(EnvironmentSpec env, BootstrapPlan plan, GoogleClients clients) throws InterruptedException {
        List<Permission> needed = RequiredAccess.BOOTSTRAP.stream()
                .filter(p -> plan.changes().stream().anyMatch(r -> r.permission().equals(p.name()))).toList();
        if (needed.isEmpty()) {
            return;
        }
        PermissionReport report = new PermissionCheck(workspace).checkProject(env, clients, needed);
        if (!report.complete()) {
            throw DeployException.of("These credentials cannot bootstrap " + env.name(),
                    report.text().stripTrailing() + "\nNothing was changed. Run bootstrap with an administrator's credentials"
                            + " (--credentials KEY_FILE, or Application Default Credentials of a project owner).");
        }
    }

    private static String grantCommand(Grant g, String member) {
        String tail = " --member=" + member + " --role=" + g.role();
        String[] parts = g.resource().split("/");
        return switch (g.on()) {
            case PROJECT -> "gcloud projects add-iam-policy-binding " + parts[1] + tail;
            case REPOSITORY -> "gcloud artifacts repositories add-iam-policy-binding " + parts[5] + " --location=" + parts[3]
                    + " --project=" + parts[1] + tail;
            case STATE_BUCKET -> "gcloud storage buckets add-iam-policy-binding gs://" + g.resource() + tail;
            case SECRET -> "gcloud secrets add-iam-policy-binding " + parts[3] + " --project=" + parts[1] + tail;
        };
    }
}
