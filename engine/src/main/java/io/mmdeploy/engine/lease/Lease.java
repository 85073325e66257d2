package io.mmdeploy.engine.lease;

import java.time.Instant;

/** A lease this run holds; {@link #close()} gives it back. */
public final class Lease implements AutoCloseable {
    private final EnvironmentLease owner;
    private final String holder;
    private final String release;
    private final Instant startedAt;
    private long generation;
    private boolean released;

    Lease(EnvironmentLease owner, String holder, String release, Instant startedAt, long generation) {
        this.owner = owner;
        this.holder = holder;
        this.release = release;
        this.startedAt = startedAt;
        this.generation = generation;
    }

    /** Extends it by the lease's TTL; fails when another run took or broke it meanwhile. */
    public synchronized void renew() {
        generation = owner.renew(holder, release, startedAt, generation);
    }

    public String release() {
        return release;
    }

    @Override
    public synchronized void close() {
        if (!released) {
            released = true;
            owner.release(generation, release);
        }
    }
}
