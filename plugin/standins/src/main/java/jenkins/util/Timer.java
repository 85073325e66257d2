package jenkins.util;

import java.util.concurrent.ScheduledExecutorService;

// Compile-only stand-in of the real Jenkins type (see ../signatures.tsv). No logic; never packaged.
public class Timer {
    private Timer() {}

    public static synchronized ScheduledExecutorService get() { throw new UnsupportedOperationException(); }
}
