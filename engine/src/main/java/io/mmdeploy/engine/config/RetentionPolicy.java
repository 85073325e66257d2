package io.mmdeploy.engine.config;

/**
 * What {@code mmdeploy retention} keeps of an environment's images.
 *
 * @param keepLast the newest versions kept per image
 * @param untaggedDays untagged versions older than this many days are deleted
 * @param keepReleases the newest release records whose images are never deleted; null for every record still stored
 * @param afterDeploy also run (and apply) it after each successful deploy of the environment, once its alias moved
 */
public record RetentionPolicy(int keepLast, int untaggedDays, Integer keepReleases, boolean afterDeploy) {
    public RetentionPolicy(int keepLast, int untaggedDays, Integer keepReleases) {
        this(keepLast, untaggedDays, keepReleases, false);
    }

    public static final int DEFAULT_KEEP_LAST = 10;
    public static final int DEFAULT_UNTAGGED_DAYS = 30;

    public static RetentionPolicy defaults() {
        return new RetentionPolicy(DEFAULT_KEEP_LAST, DEFAULT_UNTAGGED_DAYS, null);
    }
}
