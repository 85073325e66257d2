package io.mmdeploy.engine.testing;

import io.mmdeploy.engine.port.Command;
import io.mmdeploy.engine.port.CommandResult;
import io.mmdeploy.engine.port.CommandRunner;
import io.mmdeploy.engine.port.SecretMask;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The engine tests' {@link CommandRunner} on the test machine (the CLI's LocalCommandRunner lives in a module
 * the engine cannot see). It records every command it ran.
 */
public final class ProcessRunner implements CommandRunner {
    private final Path root;
    public final List<Command> commands = new java.util.concurrent.CopyOnWriteArrayList<>();

    public ProcessRunner(Path root) {
        this.root = root;
    }

    @Override
    public CommandResult run(Command command, Consumer<String> onLine) throws IOException, InterruptedException {
        commands.add(command);
        SecretMask mask = new SecretMask();
        command.secrets().forEach(mask::add);
        ProcessBuilder pb = new ProcessBuilder(command.argv()).directory(root.resolve(command.workingDir()).toFile());
        pb.environment().putAll(command.env());
        Process p = pb.start();
        StringBuilder out = new StringBuilder();
        StringBuilder err = new StringBuilder();
        Thread o = pump(p.getInputStream(), out, onLine, mask);
        Thread e = pump(p.getErrorStream(), err, onLine, mask);
        long limit = command.timeout() == null ? Long.MAX_VALUE : command.timeout().toMillis();
        if (!p.waitFor(limit, TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            throw new IOException("timed out: " + command.argv());
        }
        o.join();
        e.join();
        return new CommandResult(p.exitValue(), out.toString(), err.toString());
    }

    private static Thread pump(InputStream in, StringBuilder into, Consumer<String> onLine, SecretMask mask) {
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    String masked = mask.mask(line);
                    synchronized (into) {
                        into.append(masked).append('\n');
                    }
                    onLine.accept(masked);
                }
            } catch (IOException ignored) {
                // The process went away; what was read is kept.
            }
        });
        t.start();
        return t;
    }
}
