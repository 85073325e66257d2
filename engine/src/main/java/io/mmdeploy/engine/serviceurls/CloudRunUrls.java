package io.mmdeploy.engine.serviceurls;

import com.google.api.gax.rpc.ApiException;
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
