package io.mmdeploy.engine.onboard;

import java.util.List;

/**
 * What {@code mmdeploy bootstrap} would do in one environment: the changes mm-deploy makes itself (doctor's remedies, in
 * the environment's own project only) and the gcloud commands an administrator runs for what it must not do (service
 * accounts, IAM bindings, changing an existing bucket).
 */
public record BootstrapPlan(String environment, String project, List<Remedy> changes, List<String> adminCommands) {
    public BootstrapPlan {
        changes = List.copyOf(changes);
        adminCommands = List.copyOf(adminCommands);
    }

    public String text(boolean applying) {
        StringBuilder out = new StringBuilder();
        if (changes.isEmpty()) {
            out.append("Nothing for mm-deploy to create in ").append(project).append(".\n");
        } else {
            out.append(applying ? "Creating in " : "Would create in ").append(project).append(" (").append(environment).append("):\n");
            for (Remedy r : changes) {
                out.append("  ").append(r.describe()).append('\n');
            }
            if (!applying) {
                out.append("Dry run: nothing was changed. Run again with --apply to create these.\n");
            }
        }
        if (!adminCommands.isEmpty()) {
            out.append("\nFor an administrator (mm-deploy does not create identities or grant roles):\n");
            for (String c : adminCommands) {
                out.append("  ").append(c).append('\n');
            }
        }
        return out.toString();
    }
}
