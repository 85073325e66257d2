package io.mmdeploy.engine.approval;

import java.util.List;

/**
 * Who answered a gate, as the host's security knows them.
 *
 * @param id the user's id as the host authenticated it ({@code anonymous} or {@code SYSTEM} when nobody signed in);
 *     null or blank when the host could not tell
 * @param groups the groups (authorities) the user belongs to
 * @param mayBuild whether the user may start the job (what an empty {@code submitters} list asks for)
 */
public record Answerer(String id, List<String> groups, boolean mayBuild) {
    /** What Jenkins calls a request nobody signed in to, and its own identity: neither is a person. */
    static final List<String> NOBODY = List.of("anonymous", "SYSTEM");

    public Answerer {
        id = id == null ? "" : id.strip();
        groups = List.copyOf(groups);
    }

    boolean isNobody() {
        return id.isEmpty() || NOBODY.stream().anyMatch(id::equalsIgnoreCase);
    }
}
