package io.mmdeploy.engine.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * The fake {@code tofu} of the test resources, installed into a directory: the script, its {@code show.json}
 * and {@code outputs.json}, a {@code scenario} file that switches failures on, and the {@code calls.log} it writes.
 */
public final class FakeTofu {
    private static final String BASE = "/io/mmdeploy/engine/tofu/";
    private final Path dir;

    public FakeTofu(Path dir) throws IOException {
        this.dir = dir;
        Files.createDirectories(dir);
        for (String name : List.of("fake-tofu", "show.json", "outputs.json")) {
            try (InputStream in = FakeTofu.class.getResourceAsStream(BASE + name)) {
                Files.copy(in, dir.resolve(name), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        if (!binary().toFile().setExecutable(true)) {
            throw new IOException("cannot make " + binary() + " executable");
        }
    }

    public Path binary() {
        return dir.resolve("fake-tofu");
    }

    /** Words among: lock, stale, plan-error, crash, init-fail, apply-error, no-changes. */
    public void scenario(String... words) throws IOException {
        Files.writeString(dir.resolve("scenario"), String.join(" ", words));
    }

    /** Each call as {@code <cwd> | <args>}; for apply also {@code <cwd> | applied: <plan file content>}. */
    public List<String> calls() throws IOException {
        Path log = dir.resolve("calls.log");
        return Files.exists(log) ? Files.readAllLines(log) : List.of();
    }
}
