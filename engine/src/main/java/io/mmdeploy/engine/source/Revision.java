package io.mmdeploy.engine.source;

import java.time.Instant;
import java.util.List;

/**
 * The commit a deploy is made from.
 *
 * @param sha the full commit id
 * @param branch the branch it was built from (Jenkins checks out detached heads; the host passes it)
 * @param versionTags the commit's {@code v*} tags, for the semver image tags
 * @param commitTime when it was committed (the start of "lead time for changes")
 */
public record Revision(String sha, String branch, List<String> versionTags, Instant commitTime) {
    public Revision {
        versionTags = List.copyOf(versionTags);
    }

    public String shortSha() {
        return sha.substring(0, Math.min(7, sha.length()));
    }
}
