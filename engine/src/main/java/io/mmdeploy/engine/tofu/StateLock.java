package io.mmdeploy.engine.tofu;

import io.mmdeploy.engine.diagnostics.Diagnostic;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Who holds a state lock, parsed from the "Lock Info" block of tofu's "Error acquiring the state lock"
 * (tofu-cli.md §6). mm-deploy never releases a lock itself: the diagnostic says how a person can.
 */
public record StateLock(String id, String path, String operation, String who, String version, String created) {
    static final String SUMMARY = "Error acquiring the state lock";

    /** The lock described in a diagnostic's detail, when it carries a Lock Info block. */
    public static Optional<StateLock> parse(String detail) {
        String id = field(detail, "ID");
        if (id == null) {
            return Optional.empty();
        }
        return Optional.of(new StateLock(id, field(detail, "Path"), field(detail, "Operation"), field(detail, "Who"),
                field(detail, "Version"), field(detail, "Created")));
    }

    private static String field(String detail, String name) {
        Matcher m = Pattern.compile("(?m)^\\s*" + name + ":[ \\t]*(.*?)\\s*$").matcher(detail);
        return m.find() && !m.group(1).isEmpty() ? m.group(1) : null;
    }

    Diagnostic diagnostic(String binary, String dir, String lockTimeout) {
        String kind = operation == null ? "" : operation.replace("OperationType", "").toLowerCase();
        String run = kind.isEmpty() ? "another run" : ("aeiou".indexOf(kind.charAt(0)) >= 0 ? "an " : "a ") + kind + " run";
        return Diagnostic.error(
                "State is locked by " + or(who, "someone") + " since " + or(created, "an unknown time"),
                "Held by " + run + " on the state" + (path == null ? "" : " " + path) + " (lock ID " + id
                        + (version == null ? "" : ", written by version " + version) + "); waited " + lockTimeout + ".\n"
                        + "Wait for that run to finish and retry, or raise the lock timeout. If no run holds it any more"
                        + " (a killed build), release it by hand in " + (dir.isEmpty() ? "the workspace root" : dir) + ":\n"
                        + "  " + binary + " force-unlock " + id + "\n"
                        + "mm-deploy never releases a lock on its own.");
    }

    private static String or(String value, String fallback) {
        return value == null ? fallback : value;
    }
}
