package io.mmdeploy.engine.lease;

import io.mmdeploy.engine.diagnostics.DeployException;
import io.mmdeploy.engine.port.StageLog;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/** A lease this run holds; {@link #close()} gives it back. */
public final class Lease implements AutoCloseable {
    private static final int RENEW_TRIES = 5;
    private final EnvironmentLease owner;
    private final String holder;
    private final String release;
    private final Instant startedAt;
    private long generation;
    private volatile boolean released;
    /** Renewals that succeeded: a caller that waited while one ended need not write again. */
    private final AtomicLong renewals = new AtomicLong();

    Lease(EnvironmentLease owner, String holder, String release, Instant startedAt, long generation) {
        this.owner = owner;
        this.holder = holder;
        this.release = release;
        this.startedAt = startedAt;
        this.generation = generation;
    }

    /**
     * Extends it by the lease's TTL; fails when another run took or broke it meanwhile. Another phase of this same run
     * (same holder, same release) renewing it in between is no loss: the renewal is made again on its generation.
     * Callers that ask while a renewal of this object is under way (phases of one run that start together) share it:
     * a conditional write that succeeded after they asked proves the lease theirs as well as one more write would.
     */
    public void renew() {
        long asked = renewals.get();
        synchronized (this) {
            if (renewals.get() != asked) {
                return;
            }
            for (int tries = 1; ; tries++) {
                try {
                    generation = owner.renew(holder, release, startedAt, generation);
                    renewals.incrementAndGet();
                    return;
                } catch (DeployException lost) {
                    EnvironmentLease.Holder now = owner.current().orElseThrow(() -> lost);
                    if (!now.holder().equals(holder) || !now.release().equals(release) || tries == RENEW_TRIES) {
                        throw lost;
                    }
                    generation = now.generation();
                }
            }
        }
    }

    public String release() {
        return release;
    }

    String holder() {
        return holder;
    }

    Instant startedAt() {
        return startedAt;
    }

    synchronized long generation() {
        return generation;
    }

    /** Given back ({@link #close}): renewing it again cannot succeed. Not under the monitor a renewal holds. */
    boolean closed() {
        return released;
    }

    /** Renews the lease on a thread of its own while a phase runs, so a phase longer than the TTL keeps it. */
    public static KeptAlive keepAlive(Lease lease, StageLog log) {
        return keepAlive(lease, log, EnvironmentLease.TTL.dividedBy(3));
    }

    static KeptAlive keepAlive(Lease lease, StageLog log, Duration every) {
        if (lease == null) {
            return () -> {};
        }
        Thread renewer = new Thread(() -> {
            try {
                while (true) {
                    Thread.sleep(every.toMillis());
                    lease.renew();
                }
            } catch (InterruptedException stopped) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException lost) {
                // Another run broke or took it: say so; the next phase's acquire refuses to go on.
                log.warn("Could not renew the lease of release " + lease.release() + ": " + lost.getMessage());
            }
        }, "mm-deploy lease " + lease.release());
        renewer.setDaemon(true);
        renewer.start();
        return () -> {
            renewer.interrupt();
            try {
                renewer.join(every.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
    }

    /** The renewal while a phase runs; closing it stops renewing (the lease stays held). */
    @FunctionalInterface
    public interface KeptAlive extends AutoCloseable {
        @Override
        void close();
    }

    @Override
    public synchronized void close() {
        if (!released) {
            released = true;
            owner.release(generation, release);
        }
    }
}
