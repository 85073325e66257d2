package io.mmdeploy.engine.gateway;

import io.mmdeploy.engine.config.DeployConfig;
import io.mmdeploy.engine.config.EnvironmentSpec;
import io.mmdeploy.engine.config.GatewaySpec;
import io.mmdeploy.engine.config.ServiceSpec;
import io.mmdeploy.engine.diagnostics.DeployException;
import io.mmdeploy.engine.images.BuildImages;
import io.mmdeploy.engine.images.ImageBuildRequest;
import io.mmdeploy.engine.images.ImageRef;
import io.mmdeploy.engine.port.StageLog;
import io.mmdeploy.engine.serviceurls.ServiceUrls;
import io.mmdeploy.engine.serviceurls.ServiceUrlsSecret;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The build half of mmDeployGateway: the services' URLs from the environment's secret become the gateway's
 * build args (seed 002, phase 3), and the gateway image is built like any other image. The URLs are part of
 * the fingerprint, so new URLs mean a new image even when the gateway's sources did not change.
 */
public final class BuildGateway {
    public static final String STAGE = "build-gateway";

    private final ServiceUrlsSecret urlsSecret;
    private final BuildImages images;
    private final StageLog log;

    public BuildGateway(ServiceUrlsSecret urlsSecret, BuildImages images, StageLog log) {
        this.urlsSecret = urlsSecret;
        this.images = images;
        this.log = log;
    }

    /**
     * @param sourceFingerprint the fingerprint of the gateway's build context
     * @param tags the tags of this deploy, the scheme's tag first
     */
    public ImageRef run(DeployConfig config, EnvironmentSpec env, String sourceFingerprint, List<String> tags)
            throws InterruptedException {
        List<String> services = config.httpServices().stream().map(ServiceSpec::name).toList();
        return run(config, env, sourceFingerprint, tags, urlsSecret.read(env, services), "secret " + ServiceUrlsSecret.secretId(env));
    }

    /**
     * Builds with the given URLs (the ones a deploy expects before its services' apply).
     *
     * @param from where the URLs come from, for the log and errors (e.g. {@code secret service-urls-staging})
     */
    public ImageRef run(DeployConfig config, EnvironmentSpec env, String sourceFingerprint, List<String> tags, ServiceUrls urls,
            String from) throws InterruptedException {
        GatewaySpec gateway = config.gatewaySpec().orElseThrow(() -> DeployException.of(
                "The app has no gateway", config.file() + " has no gateway section, so there is nothing to build."));

        Map<String, String> args = new LinkedHashMap<>(gateway.build().args());
        List<String> missing = new ArrayList<>();
        gateway.serviceUrlArgs().forEach((arg, service) -> urls.url(service).ifPresentOrElse(
                url -> args.put(arg, url),
                () -> missing.add(service + " (build arg " + arg + ", key " + ServiceUrls.key(service) + ")")));
        if (!missing.isEmpty()) {
            throw DeployException.of("The " + from + " has no URL for " + String.join(", ", missing),
                    "The gateway needs every service's URL at build time. Run mmServiceUrls after the services deploy, or"
                            + " fix gateway.serviceUrlArgs in " + config.file() + ".");
        }
        log.info("Gateway build args: " + gateway.serviceUrlArgs().size() + " service URL(s) from " + from);

        // Sorted, so the same URLs always give the same fingerprint.
        TreeMap<String, String> urlArgs = new TreeMap<>(args);
        ImageBuildRequest request = new ImageBuildRequest(gateway.name(), env.registry(), gateway.image(),
                gateway.build().context(), gateway.build().dockerfile(), args,
                sourceFingerprint + "\n" + urlArgs, tags);
        return images.run(List.of(request)).get(0);
    }
}
