package io.mmdeploy.engine.steps;

import io.mmdeploy.engine.vulnerabilities.ImageScan;
import java.util.List;

/** mmVulnerabilityGate's result: each image's verdict; a blocked gate throws instead. */
public record ScanResult(List<ImageScan> images) {
    public ScanResult {
        images = List.copyOf(images);
    }

    public long blocking() {
        return images.stream().mapToLong(i -> i.blocking().size()).sum();
    }

    /** A few words for a progress line. */
    public String summary() {
        long unscanned = images.stream().filter(i -> !i.scan().equals(ImageScan.FINISHED)).count();
        long accepted = images.stream().mapToLong(i -> i.accepted().size()).sum();
        return images.size() + " image(s) scanned, nothing blocking" + (accepted > 0 ? ", " + accepted + " allowlisted" : "")
                + (unscanned > 0 ? ", " + unscanned + " without a finished scan (onScanTimeout: warn)" : "");
    }
}
