package io.jenkins.plugins.mmdeploy.host;

import hudson.Extension;
import hudson.ExtensionList;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One lock per workspace for the engine's run journal: steps of the same build may run at once in one workspace
 * ({@code parallel} branches), each with an engine of its own, and every engine runs in this JVM (the workspace is
 * reached through {@code FilePath}), so a lock here keeps their read-modify-writes of the journal apart. Keyed by the
 * workspace's path on its machine: two agents with the same path only share a lock, never a journal.
 */
@Extension
public final class JournalLocks {
    private final Map<String, Lock> locks = new ConcurrentHashMap<>();

    static JournalLocks get() {
        return ExtensionList.lookupSingleton(JournalLocks.class);
    }

    Lock of(String workspacePath) {
        return locks.computeIfAbsent(workspacePath, path -> new ReentrantLock());
    }
}
