package jenkins.model;

// Compile-only stand-in of the real Jenkins type (see ../signatures.tsv). No logic; never packaged.
public abstract class IdStrategy {
    IdStrategy() {}

    public boolean equals(String id1, String id2) { throw new UnsupportedOperationException(); }
}
