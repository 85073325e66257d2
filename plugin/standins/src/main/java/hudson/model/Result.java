package hudson.model;

import java.io.Serializable;

// Compile-only stand-in of the real Jenkins type (see ../signatures.tsv). No logic; never packaged.
public final class Result implements Serializable {
    public static final Result ABORTED = null;

    private Result() {}
}
