package io.mmdeploy.engine.gcp.fake;

import com.google.longrunning.GetOperationRequest;
import com.google.longrunning.Operation;
import com.google.longrunning.OperationsGrpc;
import com.google.protobuf.Any;
import com.google.protobuf.Message;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * google.longrunning.Operations, shared by every fake service: each operation is a supplier asked for its
 * current state at every poll, so the fakes decide when (and how) their operations finish.
 */
public final class FakeOperations extends OperationsGrpc.OperationsImplBase {
    private final Map<String, Supplier<Operation>> operations = new ConcurrentHashMap<>();
    private final AtomicInteger ids = new AtomicInteger();
    private final AtomicInteger polls = new AtomicInteger();

    /** Registers an operation and returns its first state (what the starting RPC answers). */
    public Operation track(String prefix, Supplier<Operation> state) {
        String name = prefix + "/operations/op-" + ids.incrementAndGet();
        operations.put(name, () -> state.get().toBuilder().setName(name).build());
        return operations.get(name).get();
    }

    public int polls() {
        return polls.get();
    }

    @Override
    public void getOperation(GetOperationRequest request, StreamObserver<Operation> response) {
        Supplier<Operation> state = operations.get(request.getName());
        if (state == null) {
            response.onError(Status.NOT_FOUND.withDescription("operation " + request.getName()).asRuntimeException());
            return;
        }
        polls.incrementAndGet();
        response.onNext(state.get());
        response.onCompleted();
    }

    public static Operation pending(Message metadata) {
        return Operation.newBuilder().setDone(false).setMetadata(Any.pack(metadata)).build();
    }

    public static Operation done(Message metadata, Message result) {
        return Operation.newBuilder().setDone(true).setMetadata(Any.pack(metadata)).setResponse(Any.pack(result)).build();
    }

    public static Operation failed(Message metadata, Status status) {
        return Operation.newBuilder().setDone(true).setMetadata(Any.pack(metadata))
                .setError(com.google.rpc.Status.newBuilder()
                        .setCode(status.getCode().value())
                        .setMessage(status.getDescription() == null ? "" : status.getDescription()))
                .build();
    }
}
