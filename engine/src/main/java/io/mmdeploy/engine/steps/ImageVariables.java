package io.mmdeploy.engine.steps;

import io.mmdeploy.engine.config.DeployConfig;
import io.mmdeploy.engine.config.GatewaySpec;
import io.mmdeploy.engine.config.ServiceSpec;
import io.mmdeploy.engine.images.ImageRef;
import io.mmdeploy.engine.port.StageLog;
import io.mmdeploy.engine.release.ReleaseRecord;
import io.mmdeploy.engine.release.ReleaseRecord.ServiceRelease;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Image references are deploy state, not whatever the checkout holds: before every plan each image variable is set
 * from this run's image or, for what this run did not build (the gateway before its build), from the live release.
 * A fresh checkout's committed value therefore never reverts an image (the seeds' gateway went back to
 * {@code mesh-gateway:initial} on every deploy). Only an image no release ever recorded keeps the var file's value.
 */
final class ImageVariables {
    private ImageVariables() {}

    /**
     * @param gatewayFromRun false for the services' plan: the gateway this run builds moves only through its own plan
     *     (and gate), so the services' plan keeps the live gateway even when a rerun has built the new one already
     */
    static Map<String, String> compose(DeployConfig config, Map<String, ImageRef> run, Optional<ReleaseRecord> live, boolean gatewayFromRun,
            StageLog log) {
        Map<String, String> out = new LinkedHashMap<>();
        List<String> fromLive = new ArrayList<>();
        List<String> fromCheckout = new ArrayList<>();
        for (ServiceSpec s : config.services()) {
            put(out, s.name(), s.tfvarsVariable(), run, live, fromLive, fromCheckout);
        }
        Map<String, ImageRef> forGateway = gatewayFromRun ? run : Map.of();
        config.gatewaySpec().ifPresent((GatewaySpec g) -> put(out, g.name(), g.tfvarsVariable(), forGateway, live, fromLive, fromCheckout));
        if (!fromLive.isEmpty()) {
            log.info("Image variables from the live release " + live.map(ReleaseRecord::id).orElse("") + ": " + String.join(", ", fromLive));
        }
        if (!fromCheckout.isEmpty()) {
            log.warn("No release recorded an image yet for " + String.join(", ", fromCheckout) + ": the var file's value stays");
        }
        return out;
    }

    private static void put(Map<String, String> out, String name, String variable, Map<String, ImageRef> run, Optional<ReleaseRecord> live,
            List<String> fromLive, List<String> fromCheckout) {
        ImageRef mine = run.get(name);
        if (mine != null) {
            out.put(variable, mine.ref());
            return;
        }
        Optional<String> recorded = live.flatMap(r -> r.serving(name)).map(ServiceRelease::image).filter(i -> i.digest() != null)
                .map(ReleaseRecord.ImageRecord::ref);
        if (recorded.isPresent()) {
            out.put(variable, recorded.get());
            fromLive.add(name);
        } else {
            fromCheckout.add(name);
        }
    }
}
