package io.mmdeploy.engine.onboard;

import io.mmdeploy.engine.diagnostics.DeployException;
import io.mmdeploy.engine.onboard.RequiredAccess.Permission;
import io.mmdeploy.engine.onboard.RequiredAccess.Scope;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Which of the permissions a deploy needs the credentials lack, asked with testIamPermissions where each is used.
 *
 * @param environment the environment's name
 * @param project the environment's project id
 * @param missing each permission not held, with where it was asked
 * @param unverified resources whose permissions could not be asked (an API off, a refused call), with why
 */
public record PermissionReport(String environment, String project, List<Missing> missing, List<Unverified> unverified) {

    /**
     * @param askedOn where it was asked: the resource's own scope, or {@link Scope#PROJECT} when the resource does not exist
     *     yet (a role granted on the project reaches the resources created in it)
     * @param resource the resource name it was asked on
     */
    public record Missing(Permission permission, Scope askedOn, String resource) {
        public String line() {
            return permission.name() + " on " + resource + ": grant " + permission.role() + " (" + permission.usedFor() + ")";
        }
    }

    public record Unverified(String resource, String reason) {}

    /** One role to grant on one resource. */
    public record Grant(Scope on, String resource, String role) {}

    public PermissionReport {
        missing = List.copyOf(missing);
        unverified = List.copyOf(unverified);
    }

    /** Every needed permission was asked and is held. */
    public boolean complete() {
        return missing.isEmpty() && unverified.isEmpty();
    }

    /** The roles that would grant every missing permission, one per resource and role, in the order found. */
    public List<Grant> grants() {
        Set<Grant> out = new LinkedHashSet<>();
        for (Missing m : missing) {
            out.add(new Grant(m.askedOn(), m.resource(), m.permission().role()));
        }
        return List.copyOf(out);
    }

    public String text() {
        StringBuilder out = new StringBuilder();
        if (complete()) {
            return "The credentials hold every permission a deploy of " + environment + " needs in " + project + ".\n";
        }
        for (Missing m : missing) {
            out.append("  missing ").append(m.line()).append('\n');
        }
        for (Unverified u : unverified) {
            out.append("  not checked: ").append(u.resource()).append(": ").append(u.reason()).append('\n');
        }
        return out.toString();
    }

    /**
     * For a deploy's preflight: refuses, before anything changes, unless every permission is held. A permission that could
     * not be asked counts as missing: the deploy fails closed rather than half-way.
     */
    public void requireComplete() {
        if (complete()) {
            return;
        }
        String summary = missing.isEmpty()
                ? "The permissions of " + environment + "'s credentials could not be checked"
                : "The credentials of " + environment + " lack " + missing.size() + " permission(s) the deploy needs";
        throw DeployException.of(summary, text().stripTrailing() + "\nNothing was changed. Grant the roles named above in " + project
                + " (`mmdeploy doctor --env " + environment + "` lists every check; `mmdeploy bootstrap --env " + environment
                + "` prints the gcloud commands), then run the deploy again.");
    }
}
