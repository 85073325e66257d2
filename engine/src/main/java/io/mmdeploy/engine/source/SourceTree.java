package io.mmdeploy.engine.source;

import java.util.List;
import java.util.Optional;

/**
 * The app's git history as the planner reads it. Paths given here are relative to the config's directory, which
 * may sit below the work tree's root (the bundled example does); implementations map them with {@link #prefix()}.
 * Read with JGit where the workspace is on this machine ({@link GitRepository}), with the git program through the
 * command port where it is not ({@link GitCommandSource}).
 */
public interface SourceTree extends AutoCloseable {

    /** Where the history is, for messages (a path on the machine that holds it). */
    String describe();

    /** The config directory's path inside the work tree ("" at the root). */
    String prefix();

    /**
     * The commit {@code rev} names.
     *
     * @param branchHint used when HEAD is detached (as in Jenkins), else the checked-out branch wins
     */
    Revision revision(String rev, String branchHint);

    /**
     * The git object id of a path (a tree for a directory, a blob for a file) at {@code rev}, or empty when the path
     * is not in that commit.
     */
    Optional<String> objectId(String rev, String path);

    /** Paths (relative to the config dir) with uncommitted changes below the given path. */
    List<String> uncommitted(String path);

    /**
     * The people of the commits HEAD deploys: the author and the committer (name and e-mail) of each commit reachable
     * from HEAD but not from {@code since}, newest first, each name once; at most {@link #PEOPLE_COMMITS} commits.
     * Four eyes refuses them as approvers.
     *
     * @param since the commit the environment runs now; null, or a commit this history lacks (a first deploy, a
     *     force-push), means HEAD's own commit only: everyone who ever committed would refuse every approver
     */
    List<String> people(String since);

    /** The most commits {@link #people} reads (a long-undeployed branch still opens its gate quickly). */
    int PEOPLE_COMMITS = 500;

    /** Frees what the reader holds open; nothing for most. */
    @Override
    default void close() {}

    /** The commit's {@code v*} tags that the semver image tags use. */
    static boolean isVersionTag(String name) {
        return name.matches("v[0-9]+(\\.[0-9]+)*([-.][0-9A-Za-z.-]+)?");
    }

    /** The work-tree path of a path relative to the config dir ("." and "" name the config dir itself). */
    static String inWorkTree(String prefix, String path) {
        String p = path.equals(".") ? "" : path;
        if (prefix.isEmpty()) {
            return p;
        }
        return p.isEmpty() ? prefix : prefix + "/" + p;
    }

    /** A work-tree path relative to the config dir again. */
    static String inConfigDir(String prefix, String workTreePath) {
        return prefix.isEmpty() ? workTreePath : workTreePath.substring(Math.min(workTreePath.length(), prefix.length() + 1));
    }
}
