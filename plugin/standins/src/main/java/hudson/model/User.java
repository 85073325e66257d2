package hudson.model;

// Compile-only stand-in of the real Jenkins type (see ../signatures.tsv). No logic; never packaged.
public class User {
    private User() {}

    public String getId() { throw new UnsupportedOperationException(); }
}
