package io.mmdeploy.engine.canary;

import java.time.Instant;

/** Where the canary analysis reads a revision's health: what it served over a window. */
public interface RevisionMetrics {

    /**
     * @param service the Cloud Run service's name, e.g. {@code mindmirror-agent}
     * @param revision the revision's short name, e.g. {@code mindmirror-agent-00002-abc}
     * @param from the window's start
     * @param to the window's end, after {@code from}
     * @return what the revision served in the window; 0 requests and no latency when it served nothing
     */
    RevisionSample sample(String service, String revision, Instant from, Instant to);
}
