package hudson;

import java.io.IOException;

// Compile-only stand-in of the real Jenkins type (see ../signatures.tsv). No logic; never packaged.
public class AbortException extends IOException {
    public AbortException(String message) {}
}
