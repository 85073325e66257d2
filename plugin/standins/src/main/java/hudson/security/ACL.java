package hudson.security;

// Compile-only stand-in of the real Jenkins type (see ../signatures.tsv). No logic; never packaged.
public abstract class ACL {
    ACL() {}
    public final boolean hasPermission(Permission p) { throw new UnsupportedOperationException(); }
}
