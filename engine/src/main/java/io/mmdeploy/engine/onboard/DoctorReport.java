package io.mmdeploy.engine.onboard;

import java.util.List;

/**
 * What {@code mmdeploy doctor} found in one environment: each check with its status and fix, and the permission report.
 *
 * @param environment the environment's name
 * @param project its project id
 * @param checks in the order they ran: APIs, repository, state bucket, secrets, permissions
 * @param permissions the credentials' permissions
 */
public record DoctorReport(String environment, String project, List<Check> checks, PermissionReport permissions) {

    public enum Status {
        OK,
        /** Works, with a caveat (e.g. local state: no lease). */
        WARN,
        /** Absent, and mm-deploy can create it: {@code bootstrap --apply} does. */
        MISSING,
        /** Needs a person: a role to grant, a resource of the wrong kind or in another project. */
        FAILED
    }

    /**
     * @param area {@code api}, {@code repository}, {@code state-bucket}, {@code secret} or {@code permission}
     * @param subject what was checked (an API, a resource name, a permission)
     * @param fix what to do; empty when OK
     * @param remedy what bootstrap would create; null when it cannot help
     */
    public record Check(String area, String subject, Status status, String detail, String fix, Remedy remedy) {}

    public DoctorReport {
        checks = List.copyOf(checks);
    }

    /** No check is missing or failed. */
    public boolean ready() {
        return checks.stream().noneMatch(c -> c.status() == Status.MISSING || c.status() == Status.FAILED);
    }

    /** What bootstrap can create, in check order. */
    public List<Remedy> remedies() {
        return checks.stream().map(Check::remedy).filter(r -> r != null).distinct().toList();
    }

    public String text() {
        StringBuilder out = new StringBuilder("Environment " + environment + " (project " + project + ")\n");
        for (Check c : checks) {
            out.append(String.format("  %-7s %-12s %s%s%n", c.status(), c.area(), c.subject(), c.detail().isEmpty() ? "" : ": " + c.detail()));
            if (!c.fix().isEmpty()) {
                out.append("          fix: ").append(c.fix()).append('\n');
            }
        }
        long open = checks.stream().filter(c -> c.status() == Status.MISSING || c.status() == Status.FAILED).count();
        out.append(ready() ? "Ready to deploy.\n"
                : open + " problem(s)." + (remedies().isEmpty() ? "" : " `mmdeploy bootstrap --env " + environment
                        + "` shows what it would create (" + remedies().size() + " change(s)); --apply creates it.") + "\n");
        return out.toString();
    }
}
