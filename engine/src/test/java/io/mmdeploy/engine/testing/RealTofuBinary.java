package io.mmdeploy.engine.testing;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;

/** Finds a real {@code tofu} (preferred) or {@code terraform} on the PATH for the tests that drive one. */
public final class RealTofuBinary {

    private RealTofuBinary() {}

    public static Optional<Path> onPath() {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String name : new String[] {"tofu", "terraform"}) {
            for (String dir : path.split(File.pathSeparator)) {
                Path candidate = Path.of(dir, name);
                if (Files.isExecutable(candidate)) {
                    return Optional.of(candidate);
                }
            }
        }
        return Optional.empty();
    }

    /** The binary, or the test is skipped with the reason printed and reported. */
    public static Path require(String test) {
        Optional<Path> found = onPath();
        if (found.isEmpty()) {
            String reason = test + " skipped: neither tofu nor terraform is on the PATH";
            System.out.println(reason);
            Assumptions.assumeTrue(false, reason);
        }
        return found.get();
    }
}
