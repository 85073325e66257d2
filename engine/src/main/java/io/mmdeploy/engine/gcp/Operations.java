package io.mmdeploy.engine.gcp;

import com.google.api.gax.rpc.ApiException;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Waiting for a client future (a long-running operation) with the engine's own deadline. */
public final class Operations {
    private Operations() {}

    /**
     * The future's value, waiting at most {@code timeout}.
     *
     * @throws ApiException the call or the operation failed
     * @throws TimeoutException the deadline passed; the operation may still be running
     */
    public static <T> T await(Future<T> future, Duration timeout) throws InterruptedException, TimeoutException {
        try {
            return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException(cause);
        }
    }
}
