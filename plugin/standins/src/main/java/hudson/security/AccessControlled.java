package hudson.security;

// Compile-only stand-in of the real Jenkins type (see ../signatures.tsv). No logic; never packaged.
public interface AccessControlled {
    default boolean hasPermission(Permission permission) { throw new UnsupportedOperationException(); }
}
