package io.mmdeploy.engine.serviceurls;

import com.google.api.gax.rpc.ApiException;
import com.google.api.gax.rpc.NotFoundException;
import com.google.cloud.run.v2.Service;
import com.google.cloud.run.v2.ServiceName;
import com.google.cloud.run.v2.ServicesClient;
import io.mmdeploy.engine.config.EnvironmentSpec;
import io.mmdeploy.engine.config.ServiceSpec;
import io.mmdeploy.engine.diagnostics.DeployException;
import io.mmdeploy.engine.gcp.ApiFailure;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Reads the URL Cloud Run gave each deployed service. */
public final class CloudRunUrls {
    private final ServicesClient services;

    public CloudRunUrls(ServicesClient services) {
        this.services = services;
    }

    public ServiceUrls read(EnvironmentSpec env, List<ServiceSpec> specs) {
        Map<String, String> urls = new LinkedHashMap<>();
        for (ServiceSpec spec : specs) {
            urls.put(spec.name(), url(env, spec.cloudRunService(env)));
        }
        return new ServiceUrls(urls);
    }

    /**
     * The URLs the services will have after the apply, known before it: an existing service keeps its URL, and a new
     * one gets Cloud Run's deterministic {@code https://<service>-<project number>.<region>.run.app}. What the gateway
     * is built with ahead of the services' apply; the published URLs are compared with these afterwards.
     */
    public ServiceUrls expected(EnvironmentSpec env, List<ServiceSpec> specs) {
        Map<String, String> urls = new LinkedHashMap<>();
        for (ServiceSpec spec : specs) {
            String cloudRunService = spec.cloudRunService(env);
            String uri = current(env, cloudRunService);
            urls.put(spec.name(), uri.isEmpty() ? deterministic(env, cloudRunService) : uri);
        }
        return new ServiceUrls(urls);
    }

    /** The URLs the services have now; empty when one of them does not exist yet (its URL is only expected). */
    public Optional<ServiceUrls> existing(EnvironmentSpec env, List<ServiceSpec> specs) {
        Map<String, String> urls = new LinkedHashMap<>();
        for (ServiceSpec spec : specs) {
            String uri = current(env, spec.cloudRunService(env));
            if (uri.isEmpty()) {
                return Optional.empty();
            }
            urls.put(spec.name(), uri);
        }
        return Optional.of(new ServiceUrls(urls));
    }

    /** The service's URL; empty for a service that does not exist (or has none yet). */
    private String current(EnvironmentSpec env, String cloudRunService) {
        String name = ServiceName.of(env.projectId(), env.region(), cloudRunService).toString();
        try {
            return services.getService(name).getUri();
        } catch (NotFoundException e) {
            return "";
        } catch (ApiException e) {
            throw ApiFailure.of("read the Cloud Run service " + cloudRunService, name, "roles/run.viewer", e);
        }
    }

    static String deterministic(EnvironmentSpec env, String cloudRunService) {
        if (env.projectNumber() == null || env.projectNumber().isBlank()) {
            throw DeployException.of("No project number for " + env.name(),
                    "A new Cloud Run service's URL is https://<service>-<project number>.<region>.run.app: set environments."
                            + env.name() + ".projectNumber in the config.");
        }
        return "https://" + cloudRunService + "-" + env.projectNumber() + "." + env.region() + ".run.app";
    }

    /** The URL of one Cloud Run service of the environment (the gateway's too). */
    public String url(EnvironmentSpec env, String cloudRunService) {
        String name = ServiceName.of(env.projectId(), env.region(), cloudRunService).toString();
        Service service;
        try {
            service = services.getService(name);
        } catch (ApiException e) {
            throw ApiFailure.of("read the Cloud Run service " + cloudRunService, name, "roles/run.viewer", e);
        }
        if (service.getUri().isEmpty()) {
            throw DeployException.of("The Cloud Run service " + cloudRunService + " has no URL yet",
                    name + " is not serving. Check that the OpenTofu apply finished and the service is ready.");
        }
        return service.getUri();
    }
}
