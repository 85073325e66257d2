package io.mmdeploy.engine.gcp.fake;

import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Faults injected per RPC: the next calls of a method answer with a status instead of reaching the fake.
 * Also counts every call per method, so tests can see retries.
 */
public final class Faults implements ServerInterceptor {
    private final Map<String, Deque<Status>> queued = new ConcurrentHashMap<>();
    private final Map<String, Status> always = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
    private final Map<String, Gathering> gathering = new ConcurrentHashMap<>();

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

    /**
     * Each call of the method waits, before it is answered, until {@code together} calls of it have arrived (at most
     * {@code patience}); {@link #gathered} then says whether they all arrived while the first still waited. Needs the
     * fakes on their own threads ({@code FakeGoogleCloud.startAnsweringOnOwnThreads}).
     */
    public Faults gather(MethodDescriptor<?, ?> method, int together, Duration patience) {
        gathering.put(method.getFullMethodName(), new Gathering(new CountDownLatch(together), patience, new AtomicBoolean(true)));
        return this;
    }

    /** Whether every call of a {@link #gather} arrived while the ones before it were still waiting for an answer. */
    public boolean gathered(MethodDescriptor<?, ?> method) {
        Gathering g = gathering.get(method.getFullMethodName());
        return g != null && g.arrived().getCount() == 0 && g.together().get();
    }

    private record Gathering(CountDownLatch arrived, Duration patience, AtomicBoolean together) {
        void await() {
            arrived.countDown();
            try {
                if (!arrived.await(patience.toMillis(), TimeUnit.MILLISECONDS)) {
                    together.set(false);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    public void clear() {
        queued.clear();
        always.clear();
        gathering.clear();
    }

    public int calls(MethodDescriptor<?, ?> method) {
        AtomicInteger count = calls.get(method.getFullMethodName());
        return count == null ? 0 : count.get();
    }

    @Override
    public <Q, A> ServerCall.Listener<Q> interceptCall(ServerCall<Q, A> call, Metadata headers, ServerCallHandler<Q, A> next) {
        String method = call.getMethodDescriptor().getFullMethodName();
        calls.computeIfAbsent(method, k -> new AtomicInteger()).incrementAndGet();
        Gathering g = gathering.get(method);
        if (g != null) {
            g.await();
        }
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
