package io.mmdeploy.engine.canary;

import io.mmdeploy.engine.port.Workspace;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which Cloud Run services of an OpenTofu configuration would take the canary's traffic back: a
 * {@code google_cloud_run_v2_service} whose {@code lifecycle} does not ignore {@code traffic}. An apply of such a
 * resource sets its traffic as the configuration declares (LATEST, 100 %) and a new revision serves everything at once.
 * Read from the {@code .tf} text, blocks matched by braces: a warning's evidence, not a parse of HCL.
 */
public final class TrafficOwnership {
    private static final Pattern SERVICE = Pattern.compile("resource\\s+\"google_cloud_run_v2_service\"\\s+\"([A-Za-z0-9_-]+)\"\\s*\\{");
    private static final Pattern IGNORES_TRAFFIC = Pattern.compile("lifecycle\\s*\\{[^}]*ignore_changes\\s*=\\s*\\[[^\\]]*\\btraffic\\b", Pattern.DOTALL);

    private TrafficOwnership() {}

    /**
     * @param tofuDir the environment's OpenTofu directory, relative to the workspace
     * @param exempt resource addresses whose traffic moves with their apply on purpose (the gateway's)
     * @return {@code <file>: <address>} of each resource that would reset the traffic
     */
    public static List<String> resetters(Workspace workspace, String tofuDir, Set<String> exempt) throws IOException {
        List<String> found = new ArrayList<>();
        for (String file : workspace.list(tofuDir)) {
            if (!file.endsWith(".tf")) {
                continue;
            }
            String path = tofuDir + "/" + file;
            String text = workspace.readText(path).orElse("");
            Matcher m = SERVICE.matcher(text);
            while (m.find()) {
                String address = "google_cloud_run_v2_service." + m.group(1);
                String block = block(text, m.end() - 1);
                if (!exempt.contains(address) && !IGNORES_TRAFFIC.matcher(block).find()) {
                    found.add(path + ": " + address);
                }
            }
        }
        return found;
    }

    /** The text from the brace at {@code open} to the one that closes it. */
    private static String block(String text, int open) {
        int depth = 0;
        for (int i = open; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '{') {
                depth++;
            } else if (c == '}' && --depth == 0) {
                return text.substring(open, i + 1);
            }
        }
        return text.substring(open);
    }
}
