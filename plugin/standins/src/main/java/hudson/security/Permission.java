package hudson.security;

// Compile-only stand-in of the real Jenkins type (see ../signatures.tsv). No logic; never packaged.
public final class Permission {
    private Permission() {}
}
