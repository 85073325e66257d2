package io.mmdeploy.engine.gcp.fake;

import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Faults injected per RPC: the next calls of a method answer with a status instead of reaching the fake.
 * Also counts every call per method, so tests can see retries.
 */
public final class Faults implements ServerInterceptor {
    private final Map<String, Deque<Status>> queued = new ConcurrentHashMap<>();
    private final Map<String, Status> always = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();

    /** The next {@code times} calls of the method fail with the status. */
    public Faults failNext(MethodDescriptor<?, ?> method, Status status, int times) {
        Deque<Status> queue = queued.computeIfAbsent(method.getFullMethodName(), k -> new ArrayDeque<>());
        synchronized (queue) {
            for (int i = 0; i < times; i++) {
                queue.add(status);
            }
        }
        return this;
    }

    /** Every call of the method fails with the status, until {@link #clear()}. */
    public Faults failAlways(MethodDescriptor<?, ?> method, Status status) {
        always.put(method.getFullMethodName(), status);
        return this;
    }

    public void clear() {
        queued.clear();
        always.clear();
    }

    public int calls(MethodDescriptor<?, ?> method) {
        AtomicInteger count = calls.get(method.getFullMethodName());
        return count == null ? 0 : count.get();
    }

    @Override
    public <Q, A> ServerCall.Listener<Q> interceptCall(ServerCall<Q, A> call, Metadata headers, ServerCallHandler<Q, A> next) {
        String method = call.getMethodDescriptor().getFullMethodName();
        calls.computeIfAbsent(method, k -> new AtomicInteger()).incrementAndGet();
        Status fault = always.get(method);
        if (fault == null) {
            Deque<Status> queue = queued.get(method);
            if (queue != null) {
                synchronized (queue) {
                    fault = queue.poll();
                }
            }
        }
        if (fault != null) {
            call.close(fault, new Metadata());
            return new ServerCall.Listener<>() {};
        }
        return next.startCall(call, headers);
    }
}
