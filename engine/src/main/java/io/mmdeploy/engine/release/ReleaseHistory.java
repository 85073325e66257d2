package io.mmdeploy.engine.release;

import io.mmdeploy.engine.diagnostics.DeployException;
import io.mmdeploy.engine.release.ReleaseRecord.Kind;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An environment's releases: the newest copy of each release id, in the order the releases started.
 */
public final class ReleaseHistory {
    /** Oldest first. */
    private final List<ReleaseRecord> releases;

    /** @param copies every stored copy in write order, as {@link ReleaseStore#readAll()} gives them */
    public ReleaseHistory(List<ReleaseRecord> copies) {
        // The first copy fixes a release's place; later copies (the finalised record) replace its content.
        Map<String, ReleaseRecord> byId = new LinkedHashMap<>();
        for (ReleaseRecord copy : copies) {
            byId.put(copy.id(), copy);
        }
        this.releases = List.copyOf(byId.values());
    }

    public static ReleaseHistory read(ReleaseStore store) {
        return new ReleaseHistory(store.readAll());
    }

    /** Oldest first. */
    public List<ReleaseRecord> oldestFirst() {
        return releases;
    }

    public List<ReleaseRecord> newestFirst() {
        List<ReleaseRecord> out = new ArrayList<>(releases);
        java.util.Collections.reverse(out);
        return out;
    }

    public Optional<ReleaseRecord> newest() {
        return releases.isEmpty() ? Optional.empty() : Optional.of(releases.get(releases.size() - 1));
    }

    public Optional<ReleaseRecord> find(String id) {
        return releases.stream().filter(r -> r.id().equals(id)).findFirst();
    }

    /** The release, or an error that lists the newest ones. */
    public ReleaseRecord require(String id, String environment) {
        return find(id).orElseThrow(() -> DeployException.of("No release " + id + " in " + environment,
                releases.isEmpty() ? environment + " has no release records yet."
                        : "The newest releases are: " + String.join(", ", newestFirst().stream().limit(5).map(ReleaseRecord::id).toList())
                                + ". See `mmdeploy releases --env " + environment + "`."));
    }

    /** The last release that succeeded (deploy or rollback), started before the given one. */
    public Optional<ReleaseRecord> lastSucceededBefore(String id) {
        int index = indexOf(id);
        for (int i = index - 1; i >= 0; i--) {
            if (releases.get(i).succeeded()) {
                return Optional.of(releases.get(i));
            }
        }
        return Optional.empty();
    }

    public Optional<ReleaseRecord> lastSucceeded() {
        return newestFirst().stream().filter(ReleaseRecord::succeeded).findFirst();
    }

    /** The releases started after the given one, oldest first. */
    public List<ReleaseRecord> after(String id) {
        return releases.subList(indexOf(id) + 1, releases.size());
    }

    /** Whether {@code a} started before {@code b}. */
    public boolean before(String a, String b) {
        return indexOf(a) < indexOf(b);
    }

    /**
     * What "previous" means for a rollback: the last success before the release whose state is live now. When
     * the newest record is itself a rollback to release T, T's state is live, so "previous" is the success before T.
     */
    public Optional<ReleaseRecord> previous() {
        return liveState().filter(id -> find(id).isPresent()).flatMap(this::lastSucceededBefore);
    }

    /** The release whose state is live: the newest, or the release the newest restored when it is a succeeded rollback. */
    public Optional<String> liveState() {
        return newest().map(newest -> newest.kind() == Kind.ROLLBACK && newest.succeeded() && newest.rollback() != null
                && newest.rollback().toRelease() != null ? newest.rollback().toRelease() : newest.id());
    }

    /** The rollback that later moved the environment away from this release, if any. */
    public Optional<ReleaseRecord> rolledBackBy(String id) {
        return after(id).stream()
                .filter(r -> r.kind() == Kind.ROLLBACK && r.rollback() != null && id.equals(r.rollback().fromRelease()))
                .findFirst();
    }

    /**
     * Whether a deploy counts as a failed change: it failed, was rolled back (by the pipeline or later), or was
     * abandoned in progress (a newer release started after it).
     */
    public boolean failedChange(ReleaseRecord release) {
        return switch (release.outcome().status()) {
            case FAILED, ROLLED_BACK -> true;
            case SUCCEEDED -> rolledBackBy(release.id()).isPresent();
            case IN_PROGRESS -> !after(release.id()).isEmpty();
        };
    }

    private int indexOf(String id) {
        for (int i = 0; i < releases.size(); i++) {
            if (releases.get(i).id().equals(id)) {
                return i;
            }
        }
        throw new IllegalArgumentException("no release " + id);
    }
}
