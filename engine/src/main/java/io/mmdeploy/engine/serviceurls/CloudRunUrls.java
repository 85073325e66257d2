package io.mmdeploy.engine.serviceurls;

import com.google.api.core.ApiFuture;
import com.google.api.gax.rpc.ApiException;
import com.google.api.gax.rpc.NotFoundException;
import com.google.cloud.run.v2.GetServiceRequest;
import com.google.cloud.run.v2.Service;
import com.google.cloud.run.v2.ServiceName;
import com.google.cloud.run.v2.ServicesClient;
import io.mmdeploy.engine.config.EnvironmentSpec;
import io.mmdeploy.engine.config.ServiceSpec;
import io.mmdeploy.engine.diagnostics.DeployException;
import io.mmdeploy.engine.gcp.ApiFailure;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;

/** Reads the URL Cloud Run gave each deployed service. */
public final class CloudRunUrls {
    private final ServicesClient services;

    public CloudRunUrls(ServicesClient services) {
        this.services = services;
    }

    public ServiceUrls read(EnvironmentSpec env, List<ServiceSpec> specs) {
        Map<String, String> published = urls(env, cloudRunServices(env, specs));
        Map<String, String> urls = new LinkedHashMap<>();
        specs.forEach(spec -> urls.put(spec.name(), published.get(spec.cloudRunService(env))));
        return new ServiceUrls(urls);
    }

    /**
     * The URLs of these Cloud Run services of the environment (the gateway's too), by Cloud Run service, asked at once;
     * each must exist and have one.
     */
    public Map<String, String> urls(EnvironmentSpec env, List<String> cloudRunServices) {
        List<Found> found = readAll(env, cloudRunServices);
        Map<String, String> urls = new LinkedHashMap<>();
        for (int i = 0; i < cloudRunServices.size(); i++) {
            String cloudRunService = cloudRunServices.get(i);
            if (found.get(i).missing() != null) {
                throw unreadable(env, cloudRunService, found.get(i).missing());
            }
            if (found.get(i).uri().isEmpty()) {
                throw DeployException.of("The Cloud Run service " + cloudRunService + " has no URL yet",
                        name(env, cloudRunService) + " is not serving. Check that the OpenTofu apply finished and the service is ready.");
            }
            urls.put(cloudRunService, found.get(i).uri());
        }
        return urls;
    }

    /** The URL of one Cloud Run service of the environment (the gateway's too). */
    public String url(EnvironmentSpec env, String cloudRunService) {
        return urls(env, List.of(cloudRunService)).get(cloudRunService);
    }

    /**
     * The URLs the services will have after the apply, known before it: an existing service keeps its URL, and a new
     * one gets Cloud Run's deterministic {@code https://<service>-<project number>.<region>.run.app}. What the gateway
     * is built with ahead of the services' apply; the published URLs are compared with these afterwards.
     */
    public ServiceUrls expected(EnvironmentSpec env, List<ServiceSpec> specs) {
        Map<String, String> urls = new LinkedHashMap<>();
        List<Found> found = readAll(env, cloudRunServices(env, specs));
        for (int i = 0; i < specs.size(); i++) {
            String uri = found.get(i).uri();
            urls.put(specs.get(i).name(), uri.isEmpty() ? deterministic(env, specs.get(i).cloudRunService(env)) : uri);
        }
        return new ServiceUrls(urls);
    }

    /** The URLs the services have now; empty when one of them does not exist yet (its URL is only expected). */
    public Optional<ServiceUrls> existing(EnvironmentSpec env, List<ServiceSpec> specs) {
        Map<String, String> urls = new LinkedHashMap<>();
        List<Found> found = readAll(env, cloudRunServices(env, specs));
        for (int i = 0; i < specs.size(); i++) {
            String uri = found.get(i).uri();
            if (uri.isEmpty()) {
                return Optional.empty();
            }
            urls.put(specs.get(i).name(), uri);
        }
        return Optional.of(new ServiceUrls(urls));
    }

    private static List<String> cloudRunServices(EnvironmentSpec env, List<ServiceSpec> specs) {
        return specs.stream().map(spec -> spec.cloudRunService(env)).toList();
    }

    /** A service as read, or why it was not found (a new service, before its first apply). */
    private record Found(Service service, NotFoundException missing) {
        /** Empty for a service that does not exist or has no URL yet. */
        String uri() {
            return service == null ? "" : service.getUri();
        }
    }

    /**
     * Every service asked at once, answers in the order given: one round trip to Cloud Run rather than one per service.
     * A failure other than "not found" is thrown, the first in that order.
     */
    private List<Found> readAll(EnvironmentSpec env, List<String> cloudRunServices) {
        List<ApiFuture<Service>> asked = new ArrayList<>();
        for (String cloudRunService : cloudRunServices) {
            asked.add(services.getServiceCallable().futureCall(GetServiceRequest.newBuilder().setName(name(env, cloudRunService)).build()));
        }
        List<Found> found = new ArrayList<>();
        try {
            for (int i = 0; i < cloudRunServices.size(); i++) {
                found.add(answer(env, cloudRunServices.get(i), asked.get(i)));
            }
        } catch (InterruptedException e) {
            asked.forEach(f -> f.cancel(true));
            Thread.currentThread().interrupt();
            throw DeployException.of("Reading the Cloud Run services of " + env.name() + " was interrupted", "Nothing was changed.");
        }
        return found;
    }

    private static Found answer(EnvironmentSpec env, String cloudRunService, ApiFuture<Service> asked) throws InterruptedException {
        try {
            return new Found(asked.get(), null);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof NotFoundException missing) {
                return new Found(null, missing);
            }
            if (e.getCause() instanceof ApiException api) {
                throw unreadable(env, cloudRunService, api);
            }
            throw new IllegalStateException("reading " + name(env, cloudRunService) + " failed", e.getCause());
        }
    }

    private static DeployException unreadable(EnvironmentSpec env, String cloudRunService, ApiException e) {
        return ApiFailure.of("read the Cloud Run service " + cloudRunService, name(env, cloudRunService), "roles/run.viewer", e);
    }

    private static String name(EnvironmentSpec env, String cloudRunService) {
        return ServiceName.of(env.projectId(), env.region(), cloudRunService).toString();
    }

    static String deterministic(EnvironmentSpec env, String cloudRunService) {
        if (env.projectNumber() == null || env.projectNumber().isBlank()) {
            throw DeployException.of("No project number for " + env.name(),
                    "A new Cloud Run service's URL is https://<service>-<project number>.<region>.run.app: set environments."
                            + env.name() + ".projectNumber in the config.");
        }
        return "https://" + cloudRunService + "-" + env.projectNumber() + "." + env.region() + ".run.app";
    }
}
