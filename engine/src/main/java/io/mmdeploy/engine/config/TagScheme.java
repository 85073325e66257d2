package io.mmdeploy.engine.config;

/**
 * How images are tagged.
 *
 * @param format the tag of every build; placeholders {@code {branch}}, {@code {shortSha}}, {@code {sha}},
 *     {@code {env}} (default {@code {branch}-{shortSha}}, seed 001)
 * @param semverFromGitTags when the commit carries a {@code v*} tag, add it as a tag too
 * @param alias the tag moved to the live digest after a successful deploy (default {@code {env}-latest})
 */
public record TagScheme(String format, boolean semverFromGitTags, String alias) {
    public static final String DEFAULT_FORMAT = "{branch}-{shortSha}";
    public static final String DEFAULT_ALIAS = "{env}-latest";

    public static TagScheme defaults() {
        return new TagScheme(DEFAULT_FORMAT, true, DEFAULT_ALIAS);
    }
}
