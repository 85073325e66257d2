package io.mmdeploy.engine.traffic;

import java.util.List;

/**
 * A traffic change on one service.
 *
 * @param service the Cloud Run service's short name
 * @param before the traffic targets before, e.g. {@code agent-service-00042-xyz=100} or {@code LATEST=100}
 * @param after the target that now takes all traffic: a revision name, or {@code LATEST}
 */
public record TrafficMove(String service, List<String> before, String after) {
    public static final String LATEST = "LATEST";

    public TrafficMove {
        before = List.copyOf(before);
    }
}
