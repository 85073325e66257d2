package io.mmdeploy.engine.notify;

import io.mmdeploy.engine.config.WebhookSpec.Event;
import java.util.List;

/**
 * What a webhook is told. It holds no secret: names, ids, a commit, a link, a line on why.
 *
 * @param commit the commit's sha; null when unknown
 * @param changes the services and gateway whose image this run changes, in config order
 * @param buildUrl the build's page; null when there is none (a terminal)
 * @param detail one line: why it failed, what moved back, which plan waits
 */
public record Notification(Event event, String app, String environment, String release, String commit, String branch,
        List<String> changes, String buildUrl, String detail) {
    public Notification {
        changes = List.copyOf(changes);
    }

    /** One line for a chat: "mindmirror staging: release … succeeded (commit abc1234 on staging; changed: agent, mesh)". */
    public String text() {
        StringBuilder out = new StringBuilder();
        out.append(app).append(' ').append(environment).append(": release ").append(release).append(' ').append(verb());
        if (commit != null) {
            out.append(" (commit ").append(commit, 0, Math.min(7, commit.length())).append(branch == null ? "" : " on " + branch);
            out.append(changes.isEmpty() ? "; no image changed" : "; changed: " + String.join(", ", changes)).append(')');
        } else if (!changes.isEmpty()) {
            out.append(" (changed: ").append(String.join(", ", changes)).append(')');
        }
        if (detail != null && !detail.isBlank()) {
            out.append(". ").append(detail);
        }
        if (buildUrl != null) {
            out.append(" ").append(buildUrl);
        }
        return out.toString();
    }

    private String verb() {
        return switch (event) {
            case SUCCEEDED -> "succeeded";
            case FAILED -> "failed";
            case WAITING -> "waits for approval";
            case ROLLED_BACK -> "moved traffic back";
        };
    }
}
