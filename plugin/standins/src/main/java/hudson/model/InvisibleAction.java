package hudson.model;

// Compile-only stand-in of the real Jenkins type (see ../signatures.tsv). No logic; never packaged.
public abstract class InvisibleAction implements Action {
    public final String getIconFileName() { throw new UnsupportedOperationException(); }
    public final String getDisplayName() { throw new UnsupportedOperationException(); }
    public String getUrlName() { throw new UnsupportedOperationException(); }
}
