package hudson;

import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.Map;

// Compile-only stand-in of the real Jenkins type (see ../signatures.tsv). No logic; never packaged.
public abstract class Launcher {
    Launcher() {}

    public final ProcStarter launch() { throw new UnsupportedOperationException(); }
    public boolean isUnix() { throw new UnsupportedOperationException(); }

    public final class ProcStarter {
        private ProcStarter() {}

        public ProcStarter cmds(List<String> args) { throw new UnsupportedOperationException(); }
        public ProcStarter quiet(boolean quiet) { throw new UnsupportedOperationException(); }
        public ProcStarter pwd(FilePath workDir) { throw new UnsupportedOperationException(); }
        public ProcStarter stdout(OutputStream out) { throw new UnsupportedOperationException(); }
        public ProcStarter stderr(OutputStream err) { throw new UnsupportedOperationException(); }
        public ProcStarter envs(Map<String, String> overrides) { throw new UnsupportedOperationException(); }
        public int join() throws IOException, InterruptedException { throw new UnsupportedOperationException(); }
    }
}
