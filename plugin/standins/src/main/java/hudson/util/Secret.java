package hudson.util;

// Compile-only stand-in of the real Jenkins type (see ../signatures.tsv). No logic; never packaged.
public final class Secret {
    private Secret() {}

    public String getPlainText() { throw new UnsupportedOperationException(); }
}
