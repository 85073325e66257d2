package io.mmdeploy.engine.gcp;

import com.google.api.gax.core.CredentialsProvider;
import com.google.api.gax.rpc.TransportChannelProvider;
import java.time.Duration;
import java.util.Objects;

/**
 * What a host or a test may change about how {@link GoogleClients} reach Google: the gRPC channel (an
 * in-process fake), the credentials provider (none, for a fake), the Storage JSON host, how often
 * long-running operations are polled, and the HTTP proxy every client connects through.
 *
 * @param channel replaces the default gRPC channel of every gRPC client; null for Google's endpoints
 * @param credentials replaces the credentials of every client; null to use the given credentials
 * @param storageHost replaces {@code https://storage.googleapis.com}; null for the default
 * @param firstPoll delay before the first poll of a long-running operation
 * @param maxPollInterval the longest delay between two polls
 * @param proxy the host's HTTP proxy; null to connect directly (a replaced channel is used as it is)
 */
public record ClientSettingsOverrides(
        TransportChannelProvider channel,
        CredentialsProvider credentials,
        String storageHost,
        Duration firstPoll,
        Duration maxPollInterval,
        HttpProxy proxy) {

    /** Google's own first poll of Cloud Run and Cloud Build operations (then each wait 1.5 times the last). */
    public static final Duration DEFAULT_FIRST_POLL = Duration.ofSeconds(5);
    /**
     * The longest wait between two polls: 10 s, where Google's clients wait up to 45 s. An operation is seen done up to one
     * interval after it ends, and a build or a migration is on the deploy's critical path: with 45 s a 3-minute build was
     * seen done at 194 s (polls at 5, 12.5, 23.8, 40.6, 65.9, 104, 149, 194 s), with 10 s at 182.5 s. Six or so reads a
     * minute per operation stay far inside the APIs' read quotas.
     */
    public static final Duration DEFAULT_MAX_POLL_INTERVAL = Duration.ofSeconds(10);

    public ClientSettingsOverrides {
        Objects.requireNonNull(firstPoll, "firstPoll");
        Objects.requireNonNull(maxPollInterval, "maxPollInterval");
    }

    public static ClientSettingsOverrides none() {
        return new ClientSettingsOverrides(null, null, null, DEFAULT_FIRST_POLL, DEFAULT_MAX_POLL_INTERVAL, null);
    }

    /** Google's endpoints, through the host's proxy (none when null). */
    public static ClientSettingsOverrides through(HttpProxy proxy) {
        return new ClientSettingsOverrides(null, null, null, DEFAULT_FIRST_POLL, DEFAULT_MAX_POLL_INTERVAL, proxy);
    }

}
