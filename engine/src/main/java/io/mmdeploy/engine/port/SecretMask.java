package io.mmdeploy.engine.port;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The secret values of one run (tokens, keys, secret payloads). Whatever text passes through
 * {@link #mask(String)} has each of them replaced by {@code ****}. Stages register a value the moment
 * they hold it, before it can reach a log line or an exception message.
 */
public final class SecretMask {
    public static final String REPLACEMENT = "****";
    /** Shorter values would mask ordinary words; such "secrets" are refused at registration. */
    static final int MIN_LENGTH = 4;

    private final List<String> secrets = new CopyOnWriteArrayList<>();

    /** Registers a value, and each of its lines (a multi-line key may be printed line by line). */
    public void add(String secret) {
        if (secret == null) {
            return;
        }
        List<String> candidates = new ArrayList<>();
        candidates.add(secret);
        candidates.add(secret.strip());
        for (String line : secret.split("\\R")) {
            candidates.add(line.strip());
        }
        for (String candidate : candidates) {
            if (candidate.length() >= MIN_LENGTH && !secrets.contains(candidate)) {
                secrets.add(candidate);
            }
        }
    }

    public String mask(String text) {
        if (text == null || secrets.isEmpty()) {
            return text;
        }
        String out = text;
        // Longest first, so that a secret containing another is masked whole.
        List<String> ordered = new ArrayList<>(secrets);
        ordered.sort(Comparator.comparingInt(String::length).reversed());
        for (String secret : ordered) {
            out = out.replace(secret, REPLACEMENT);
        }
        return out;
    }

    public boolean isEmpty() {
        return secrets.isEmpty();
    }
}
