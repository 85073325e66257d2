package io.mmdeploy.engine.gcp;

import com.google.api.gax.core.BackgroundResource;
import com.google.api.gax.core.CredentialsProvider;
import com.google.api.gax.core.FixedCredentialsProvider;
import com.google.api.gax.core.FixedExecutorProvider;
import com.google.api.gax.grpc.InstantiatingGrpcChannelProvider;
import com.google.api.gax.longrunning.OperationTimedPollAlgorithm;
import com.google.api.gax.retrying.RetrySettings;
import com.google.api.gax.rpc.ClientSettings;
import com.google.api.gax.rpc.TransportChannelProvider;
import com.google.api.serviceusage.v1.ServiceUsageClient;
import com.google.api.serviceusage.v1.ServiceUsageSettings;
import com.google.auth.oauth2.GoogleCredentials;
import com.google.cloud.NoCredentials;
import com.google.cloud.http.HttpTransportOptions;
import com.google.cloud.monitoring.v3.MetricServiceClient;
import com.google.cloud.monitoring.v3.MetricServiceSettings;
import com.google.cloud.devtools.cloudbuild.v1.CloudBuildClient;
import com.google.cloud.devtools.cloudbuild.v1.CloudBuildSettings;
import com.google.cloud.resourcemanager.v3.ProjectsClient;
import com.google.cloud.resourcemanager.v3.ProjectsSettings;
import com.google.cloud.run.v2.ExecutionsClient;
import com.google.cloud.run.v2.ExecutionsSettings;
import com.google.cloud.run.v2.JobsClient;
import com.google.cloud.run.v2.JobsSettings;
import com.google.cloud.run.v2.RevisionsClient;
import com.google.cloud.run.v2.RevisionsSettings;
import com.google.cloud.run.v2.ServicesClient;
import com.google.cloud.run.v2.ServicesSettings;
import com.google.cloud.secretmanager.v1.SecretManagerServiceClient;
import com.google.cloud.secretmanager.v1.SecretManagerServiceSettings;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageOptions;
import com.google.devtools.artifactregistry.v1.ArtifactRegistryClient;
import com.google.devtools.artifactregistry.v1.ArtifactRegistrySettings;
import com.google.cloud.devtools.containeranalysis.v1.ContainerAnalysisClient;
import com.google.cloud.devtools.containeranalysis.v1.ContainerAnalysisSettings;
import io.grafeas.v1.GrafeasClient;
import io.mmdeploy.engine.diagnostics.DeployException;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The Google clients of one environment, built from one set of credentials, created on first use and closed
 * together. Long-running operations poll until {@code longestWait}: the engine's own timeouts (from the
 * config) decide when to stop waiting, not the clients' default of 300 s.
 */
public final class GoogleClients implements AutoCloseable {
    private final String projectId;
    private final CredentialsProvider credentials;
    private final GoogleCredentials storageCredentials;
    private final ClientSettingsOverrides overrides;
    private final RetrySettings polling;
    private final List<AutoCloseable> opened = new ArrayList<>();
    private int holders = 1;
    /** The background threads (operation polls, retries, the watchdog) of all these clients, instead of a pool each. */
    private ScheduledThreadPoolExecutor background;

    private ServicesClient services;
    private RevisionsClient revisions;
    private JobsClient jobs;
    private ExecutionsClient executions;
    private SecretManagerServiceClient secretManager;
    private CloudBuildClient cloudBuild;
    private ArtifactRegistryClient artifactRegistry;
    private ServiceUsageClient serviceUsage;
    private ProjectsClient projects;
    private Storage storage;
    private GrafeasClient grafeas;
    private MetricServiceClient monitoring;

    /**
     * @param projectId the environment's project (Storage bills and creates buckets there)
     * @param credentials the deployer's identity; ignored where the overrides bring their own
     * @param overrides channel, credentials and polling changes (tests); {@link ClientSettingsOverrides#none()} otherwise
     * @param longestWait the longest any operation of this run may be waited for (the largest configured timeout)
     */
    public GoogleClients(String projectId, GoogleCredentials credentials, ClientSettingsOverrides overrides, Duration longestWait) {
        this.projectId = projectId;
        this.overrides = overrides;
        this.credentials = overrides.credentials() != null ? overrides.credentials() : FixedCredentialsProvider.create(credentials);
        this.storageCredentials = credentials;
        this.polling = RetrySettings.newBuilder()
                .setInitialRetryDelayDuration(overrides.firstPoll())
                .setRetryDelayMultiplier(1.5)
                .setMaxRetryDelayDuration(overrides.maxPollInterval())
                .setInitialRpcTimeoutDuration(Duration.ZERO)
                .setRpcTimeoutMultiplier(1.0)
                .setMaxRpcTimeoutDuration(Duration.ZERO)
                // A margin past the engine's own deadline, so that the engine's timeout is the one that fires.
                .setTotalTimeoutDuration(longestWait.plus(Duration.ofMinutes(1)))
                .build();
    }

    public synchronized ServicesClient services() {
        if (services == null) {
            ServicesSettings.Builder b = connect(ServicesSettings.newBuilder());
            b.updateServiceOperationSettings().setPollingAlgorithm(OperationTimedPollAlgorithm.create(polling));
            services = open(() -> ServicesClient.create(b.build()));
        }
        return services;
    }

    public synchronized RevisionsClient revisions() {
        if (revisions == null) {
            RevisionsSettings.Builder b = connect(RevisionsSettings.newBuilder());
            revisions = open(() -> RevisionsClient.create(b.build()));
        }
        return revisions;
    }

    public synchronized JobsClient jobs() {
        if (jobs == null) {
            JobsSettings.Builder b = connect(JobsSettings.newBuilder());
            b.runJobOperationSettings().setPollingAlgorithm(OperationTimedPollAlgorithm.create(polling));
            b.updateJobOperationSettings().setPollingAlgorithm(OperationTimedPollAlgorithm.create(polling));
            jobs = open(() -> JobsClient.create(b.build()));
        }
        return jobs;
    }

    public synchronized ExecutionsClient executions() {
        if (executions == null) {
            ExecutionsSettings.Builder b = connect(ExecutionsSettings.newBuilder());
            executions = open(() -> ExecutionsClient.create(b.build()));
        }
        return executions;
    }

    public synchronized SecretManagerServiceClient secretManager() {
        if (secretManager == null) {
            SecretManagerServiceSettings.Builder b = connect(SecretManagerServiceSettings.newBuilder());
            secretManager = open(() -> SecretManagerServiceClient.create(b.build()));
        }
        return secretManager;
    }

    public synchronized CloudBuildClient cloudBuild() {
        if (cloudBuild == null) {
            CloudBuildSettings.Builder b = connect(CloudBuildSettings.newBuilder());
            b.createBuildOperationSettings().setPollingAlgorithm(OperationTimedPollAlgorithm.create(polling));
            cloudBuild = open(() -> CloudBuildClient.create(b.build()));
        }
        return cloudBuild;
    }

    public synchronized ArtifactRegistryClient artifactRegistry() {
        if (artifactRegistry == null) {
            ArtifactRegistrySettings.Builder b = connect(ArtifactRegistrySettings.newBuilder());
            b.createRepositoryOperationSettings().setPollingAlgorithm(OperationTimedPollAlgorithm.create(polling));
            artifactRegistry = open(() -> ArtifactRegistryClient.create(b.build()));
        }
        return artifactRegistry;
    }

    /** Service Usage: which APIs the project has enabled (doctor), and enabling them (bootstrap). */
    public synchronized ServiceUsageClient serviceUsage() {
        if (serviceUsage == null) {
            ServiceUsageSettings.Builder b = connect(ServiceUsageSettings.newBuilder());
            b.batchEnableServicesOperationSettings().setPollingAlgorithm(OperationTimedPollAlgorithm.create(polling));
            serviceUsage = open(() -> ServiceUsageClient.create(b.build()));
        }
        return serviceUsage;
    }

    /** Resource Manager's projects: the permissions the credentials hold on the project ({@code testIamPermissions}). */
    public synchronized ProjectsClient projects() {
        if (projects == null) {
            ProjectsSettings.Builder b = connect(ProjectsSettings.newBuilder());
            projects = open(() -> ProjectsClient.create(b.build()));
        }
        return projects;
    }

    /**
     * Artifact Analysis' occurrences (scans, vulnerabilities) through Container Analysis' Grafeas client, which takes
     * the Container Analysis settings (endpoint, channel, credentials) as they are.
     */
    public synchronized GrafeasClient grafeas() {
        if (grafeas == null) {
            ContainerAnalysisSettings.Builder b = connect(ContainerAnalysisSettings.newBuilder());
            ContainerAnalysisClient analysis = open(() -> ContainerAnalysisClient.create(b.build()));
            grafeas = open(analysis::getGrafeasClient);
        }
        return grafeas;
    }

    /** Cloud Monitoring's time series: the canary analysis reads the revisions' request counts and latencies there. */
    public synchronized MetricServiceClient monitoring() {
        if (monitoring == null) {
            MetricServiceSettings.Builder b = connect(MetricServiceSettings.newBuilder());
            monitoring = open(() -> MetricServiceClient.create(b.build()));
        }
        return monitoring;
    }

    /** Cloud Storage speaks HTTP/JSON, so only the host (not the gRPC channel) can be overridden. */
    public synchronized Storage storage() {
        if (storage == null) {
            StorageOptions.Builder b = StorageOptions.newBuilder().setProjectId(projectId);
            if (overrides.credentials() != null) {
                b.setCredentials(NoCredentials.getInstance());
            } else {
                b.setCredentials(storageCredentials);
            }
            if (overrides.storageHost() != null) {
                b.setHost(overrides.storageHost());
            }
            if (overrides.proxy() != null) {
                b.setTransportOptions(HttpTransportOptions.newBuilder().setHttpTransportFactory(overrides.proxy().httpTransportFactory()).build());
            }
            storage = open(() -> b.build().getService());
        }
        return storage;
    }

    /**
     * One more holder of these clients (the phases of one run share them): each {@link #close} ends one hold, and the
     * last one closes the clients.
     */
    public synchronized GoogleClients retain() {
        if (holders == 0) {
            throw new IllegalStateException("these Google clients are closed");
        }
        holders++;
        return this;
    }

    @Override
    public synchronized void close() {
        if (holders > 0 && --holders > 0) {
            return;
        }
        for (AutoCloseable client : opened) {
            try {
                if (client instanceof BackgroundResource resource) {
                    resource.shutdown();
                }
                client.close();
            } catch (Exception e) {
                // Closing is best effort: a client that fails to close holds no state worth saving.
            }
        }
        opened.clear();
        if (background != null) {
            background.shutdownNow();
            background = null;
        }
    }

    /** Google's default gives each client a pool of its own (4 threads or more); the polls and retries of all are short tasks. */
    private ScheduledThreadPoolExecutor background() {
        if (background == null) {
            AtomicInteger count = new AtomicInteger();
            background = new ScheduledThreadPoolExecutor(4, task -> {
                Thread t = new Thread(task, "mm-deploy-google-" + count.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
            background.setRemoveOnCancelPolicy(true);
        }
        return background;
    }

    /** The host's proxy, for what else the run reaches over HTTP (health checks); empty to connect directly. */
    public Optional<HttpProxy> proxy() {
        return Optional.ofNullable(overrides.proxy());
    }

    private <S extends ClientSettings<S>, B extends ClientSettings.Builder<S, B>> B connect(B builder) {
        builder.setCredentialsProvider(credentials);
        builder.setBackgroundExecutorProvider(FixedExecutorProvider.create(background()));
        if (overrides.channel() != null) {
            builder.setTransportChannelProvider(overrides.channel());
        } else if (overrides.proxy() != null) {
            builder.setTransportChannelProvider(throughProxy(builder.getTransportChannelProvider(), overrides.proxy()));
        }
        return builder;
    }

    /** The client's own default gRPC channel, with HTTP CONNECT through the proxy. */
    static TransportChannelProvider throughProxy(TransportChannelProvider defaults, HttpProxy proxy) {
        if (defaults instanceof InstantiatingGrpcChannelProvider grpc) {
            return grpc.toBuilder().setChannelConfigurator(channel -> channel.proxyDetector(proxy.grpcProxyDetector())).build();
        }
        throw new IllegalStateException("the Google clients of mm-deploy speak gRPC; no proxy support for " + defaults.getClass().getName());
    }

    private interface Opener<T> {
        T open() throws IOException;
    }

    private <T extends AutoCloseable> T open(Opener<T> opener) {
        try {
            T client = opener.open();
            opened.add(client);
            return client;
        } catch (IOException e) {
            throw DeployException.of("Cannot create a Google API client", e.getMessage());
        }
    }
}
