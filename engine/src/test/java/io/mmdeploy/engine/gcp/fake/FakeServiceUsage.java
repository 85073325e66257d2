package io.mmdeploy.engine.gcp.fake;

import com.google.api.serviceusage.v1.BatchEnableServicesRequest;
import com.google.api.serviceusage.v1.BatchEnableServicesResponse;
import com.google.api.serviceusage.v1.BatchGetServicesRequest;
import com.google.api.serviceusage.v1.BatchGetServicesResponse;
import com.google.api.serviceusage.v1.GetServiceRequest;
import com.google.api.serviceusage.v1.OperationMetadata;
import com.google.api.serviceusage.v1.Service;
import com.google.api.serviceusage.v1.ServiceUsageGrpc;
import com.google.api.serviceusage.v1.State;
import com.google.longrunning.Operation;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Service Usage v1: the APIs each project has enabled. A batch enable is a long-running operation that takes effect
 * when it completes (at its first poll), as on the real service, where enabling takes a while.
 */
public final class FakeServiceUsage extends ServiceUsageGrpc.ServiceUsageImplBase {
    /** The most services one batch may enable (the real limit). */
    static final int BATCH_LIMIT = 20;

    private final FakeOperations operations;
    private final Map<String, Set<String>> enabled = new ConcurrentHashMap<>();

    FakeServiceUsage(FakeOperations operations) {
        this.operations = operations;
    }

    /** Enables APIs in a project (e.g. {@code run.googleapis.com}) as its owner did before the test. */
    public void enable(String project, String... services) {
        enabled.computeIfAbsent(project, k -> ConcurrentHashMap.newKeySet()).addAll(List.of(services));
    }

    public Set<String> enabled(String project) {
        return Set.copyOf(new TreeSet<>(enabled.getOrDefault(project, Set.of())));
    }

    /** Every project that has at least one API enabled. */
    public Set<String> projects() {
        return Set.copyOf(enabled.keySet());
    }

    @Override
    public void getService(GetServiceRequest request, StreamObserver<Service> response) {
        response.onNext(service(request.getName()));
        response.onCompleted();
    }

    @Override
    public void batchGetServices(BatchGetServicesRequest request, StreamObserver<BatchGetServicesResponse> response) {
        BatchGetServicesResponse.Builder out = BatchGetServicesResponse.newBuilder();
        for (String name : request.getNamesList()) {
            if (!name.startsWith(request.getParent() + "/services/")) {
                response.onError(Status.INVALID_ARGUMENT.withDescription(name + " is not under " + request.getParent()).asRuntimeException());
                return;
            }
            out.addServices(service(name));
        }
        response.onNext(out.build());
        response.onCompleted();
    }

    @Override
    public void batchEnableServices(BatchEnableServicesRequest request, StreamObserver<Operation> response) {
        if (request.getServiceIdsCount() == 0 || request.getServiceIdsCount() > BATCH_LIMIT) {
            response.onError(Status.INVALID_ARGUMENT.withDescription("serviceIds: 1 to " + BATCH_LIMIT + " services").asRuntimeException());
            return;
        }
        String project = request.getParent().substring("projects/".length());
        AtomicInteger polls = new AtomicInteger();
        OperationMetadata meta = OperationMetadata.getDefaultInstance();
        response.onNext(operations.track(request.getParent(), () -> {
            if (polls.getAndIncrement() == 0) {
                return FakeOperations.pending(meta);
            }
            enable(project, request.getServiceIdsList().toArray(String[]::new));
            List<Service> done = new ArrayList<>();
            for (String id : request.getServiceIdsList()) {
                done.add(service(request.getParent() + "/services/" + id));
            }
            return FakeOperations.done(meta, BatchEnableServicesResponse.newBuilder().addAllServices(done).build());
        }));
        response.onCompleted();
    }

    private Service service(String name) {
        String project = name.substring("projects/".length(), name.indexOf("/services/"));
        String id = name.substring(name.lastIndexOf('/') + 1);
        boolean on = enabled.getOrDefault(project, Set.of()).contains(id);
        return Service.newBuilder().setName(name).setParent("projects/" + project).setState(on ? State.ENABLED : State.DISABLED).build();
    }
}
