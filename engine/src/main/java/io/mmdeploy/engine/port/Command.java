package io.mmdeploy.engine.port;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A process to run on the machine that holds the workspace (a Jenkins agent, or the terminal's machine).
 *
 * @param argv program and arguments; never passed through a shell
 * @param env variables added to the host's environment
 * @param workingDir directory relative to the workspace root ("" for the root)
 * @param timeout how long it may run before it is killed; {@code null} for no limit
 * @param secrets values that must never appear in what the command prints (masked before logging)
 */
public record Command(List<String> argv, Map<String, String> env, String workingDir, Duration timeout, Set<String> secrets) {

    public Command {
        argv = List.copyOf(argv);
        if (argv.isEmpty()) {
            throw new IllegalArgumentException("argv is empty");
        }
        env = Map.copyOf(env);
        workingDir = Objects.requireNonNullElse(workingDir, "");
        secrets = Set.copyOf(secrets);
    }

    public static Command of(String... argv) {
        return new Command(List.of(argv), Map.of(), "", null, Set.of());
    }

    public Command inDir(String dir) {
        return new Command(argv, env, dir, timeout, secrets);
    }

    public Command withEnv(Map<String, String> more) {
        var merged = new java.util.HashMap<>(env);
        merged.putAll(more);
        return new Command(argv, merged, workingDir, timeout, secrets);
    }

    public Command withTimeout(Duration limit) {
        return new Command(argv, env, workingDir, limit, secrets);
    }
}
