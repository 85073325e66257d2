package io.mmdeploy.engine.approval;

import java.util.List;

/**
 * The people a four-eyes gate refuses as approvers: whoever started the build, and whoever wrote the commits it
 * deploys. On a push- or indexing-triggered build nobody started it by hand, so the authors are what four eyes has.
 *
 * @param starters the ids of the users who started the build (none for a push, a timer, branch indexing)
 * @param authors the people of the commits the build deploys (names, e-mails, the user ids they resolve to)
 */
public record Involved(List<String> starters, List<String> authors) {
    public Involved {
        starters = List.copyOf(starters);
        authors = List.copyOf(authors);
    }
}
