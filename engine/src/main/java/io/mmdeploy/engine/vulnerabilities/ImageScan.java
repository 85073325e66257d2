package io.mmdeploy.engine.vulnerabilities;

import java.util.List;
import java.util.Map;

/**
 * The gate's verdict on one image.
 *
 * @param image the service (or gateway) name
 * @param ref {@code repository@sha256:…}
 * @param scan {@code FINISHED}, {@code TIMED_OUT} (no finished scan by the deadline) or {@code FAILED} (Artifact Analysis
 *     could not scan it)
 * @param counts the findings by severity (empty unless scanned)
 * @param blocking the findings that stop the deploy, each with why
 * @param accepted the findings at or above the threshold that the allowlist accepted
 */
public record ImageScan(String image, String ref, String scan, Map<String, Integer> counts, List<Blocked> blocking, List<Finding> accepted) {
    public static final String FINISHED = "FINISHED";
    public static final String TIMED_OUT = "TIMED_OUT";
    public static final String FAILED = "FAILED";

    public ImageScan {
        counts = Map.copyOf(counts);
        blocking = List.copyOf(blocking);
        accepted = List.copyOf(accepted);
    }

    /**
     * A finding that blocks.
     *
     * @param expiredEntry the allowlist entry that accepted it until it expired; null when none ever did
     * @param allowlistLine the config line that would accept it
     */
    public record Blocked(Finding finding, String expiredEntry, String allowlistLine) {}
}
