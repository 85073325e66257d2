package io.mmdeploy.engine.port;

import java.util.Optional;

/**
 * Secret texts the host keeps by id (Jenkins: a Secret text credential); a terminal keeps none. What a stage reads
 * here joins the run's mask before it is used.
 */
@FunctionalInterface
public interface HostSecrets {
    HostSecrets NONE = id -> Optional.empty();

    /** @return the secret's text; empty when the host has no such secret */
    Optional<String> secretText(String id);
}
