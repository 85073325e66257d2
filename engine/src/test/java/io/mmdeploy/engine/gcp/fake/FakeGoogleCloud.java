package io.mmdeploy.engine.gcp.fake;

import com.google.api.gax.core.NoCredentialsProvider;
import com.google.api.gax.grpc.GrpcTransportChannel;
import com.google.api.gax.rpc.FixedTransportChannelProvider;
import io.grpc.BindableService;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.mmdeploy.engine.gcp.ClientSettingsOverrides;
import io.mmdeploy.engine.gcp.GoogleClients;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Google Cloud in one in-process gRPC server: Cloud Run v2, Secret Manager, Cloud Build, Artifact Registry, Grafeas
 * (Artifact Analysis), Service Usage, Resource Manager's projects, Cloud Monitoring's time series and long-running operations, with one {@link FakeIam}
 * behind every testIamPermissions, with state and per-RPC faults; plus Cloud Storage's JSON API on a loopback port. The real google-cloud-java clients talk to it over
 * real gRPC through {@link #clients(String, Duration)}.
 */
public final class FakeGoogleCloud implements AutoCloseable {
    /** Polls fast, so that operations finish in milliseconds. */
    public static final Duration POLL = Duration.ofMillis(5);

    public final Faults faults = new Faults();
    /** What the identity may do; every testIamPermissions of the fakes asks it (by default: everything). */
    public final FakeIam iam = new FakeIam();
    public final FakeOperations operations = new FakeOperations();
    public final FakeArtifactRegistry artifactRegistry = new FakeArtifactRegistry(operations, iam);
    public final FakeCloudRun cloudRun = new FakeCloudRun(operations);
    public final FakeSecretManager secretManager = new FakeSecretManager(iam);
    public final FakeServiceUsage serviceUsage = new FakeServiceUsage(operations);
    public final FakeResourceManager resourceManager = new FakeResourceManager(iam);
    public final FakeGrafeas grafeas = new FakeGrafeas();
    public final FakeCloudBuild cloudBuild = new FakeCloudBuild(operations, artifactRegistry);
    /** What the Cloud Run revisions served, as Cloud Monitoring's request counts and latencies. */
    public final FakeMonitoring monitoring = new FakeMonitoring();
    /** Cloud Storage is HTTP/JSON: a loopback server, which the clients reach through {@code storageHost}. */
    public final FakeStorageServer storage;

    private final Server server;
    private final ManagedChannel channel;

    private final ExecutorService serverThreads;

    private FakeGoogleCloud(boolean ownThreads) throws IOException {
        storage = new FakeStorageServer(iam);
        String name = InProcessServerBuilder.generateName();
        List<BindableService> all = new ArrayList<>(cloudRun.bindables());
        all.addAll(List.of(operations, artifactRegistry, secretManager, cloudBuild, serviceUsage, resourceManager, grafeas, monitoring));
        // Answering on the caller's thread keeps the fakes deterministic; a test of calls in flight at once needs threads.
        serverThreads = ownThreads ? Executors.newCachedThreadPool() : null;
        InProcessServerBuilder builder = InProcessServerBuilder.forName(name);
        if (ownThreads) {
            builder.executor(serverThreads);
        } else {
            builder.directExecutor();
        }
        for (BindableService service : all) {
            builder.addService(ServerInterceptors.intercept(service, faults));
        }
        server = builder.build().start();
        channel = InProcessChannelBuilder.forName(name).directExecutor().build();
    }

    public static FakeGoogleCloud start() throws IOException {
        return new FakeGoogleCloud(false);
    }

    /** The fakes answering each call on a thread of their own, so that calls sent together are in flight together. */
    public static FakeGoogleCloud startAnsweringOnOwnThreads() throws IOException {
        return new FakeGoogleCloud(true);
    }

    public ClientSettingsOverrides overrides() {
        return new ClientSettingsOverrides(
                FixedTransportChannelProvider.create(GrpcTransportChannel.create(channel)),
                NoCredentialsProvider.create(), storage.host(), POLL, POLL, null);
    }

    /** Real clients on the fake; close them (or let the test's try-with-resources do it). */
    public GoogleClients clients(String projectId, Duration longestWait) {
        return new GoogleClients(projectId, null, overrides(), longestWait);
    }

    @Override
    public void close() {
        channel.shutdownNow();
        server.shutdownNow();
        storage.close();
        if (serverThreads != null) {
            serverThreads.shutdownNow();
        }
    }
}
