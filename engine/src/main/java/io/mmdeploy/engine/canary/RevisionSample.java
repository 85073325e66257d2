package io.mmdeploy.engine.canary;

import java.util.Objects;
import java.util.OptionalDouble;

/**
 * What one Cloud Run revision served over a window: its requests (every response code class), those that answered 5xx,
 * and its 95th-percentile latency, empty when nothing was measured (a revision that served no request yet).
 *
 * @param revision the revision's short name, e.g. {@code mindmirror-agent-00002-abc}
 * @param requests every request the revision answered in the window
 * @param serverErrors the requests among them that answered 5xx
 * @param p95Millis the 95th-percentile request latency in milliseconds
 */
public record RevisionSample(String revision, long requests, long serverErrors, OptionalDouble p95Millis) {

    public RevisionSample {
        Objects.requireNonNull(revision, "revision");
        Objects.requireNonNull(p95Millis, "p95Millis");
        if (requests < 0 || serverErrors < 0 || serverErrors > requests) {
            throw new IllegalArgumentException("a sample needs 0 <= serverErrors <= requests, got " + serverErrors + " of " + requests);
        }
    }

    /** The share of requests that answered 5xx, from 0 to 1; 0 when there were no requests. */
    public double errorRatio() {
        return requests == 0 ? 0 : (double) serverErrors / requests;
    }
}
