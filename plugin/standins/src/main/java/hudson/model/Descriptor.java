package hudson.model;

// Compile-only stand-in of the real Jenkins type (see ../signatures.tsv). No logic; never packaged.
public abstract class Descriptor<T extends Describable<T>> {
    protected Descriptor() {}

    public String getDisplayName() { throw new UnsupportedOperationException(); }
    public synchronized void save() { throw new UnsupportedOperationException(); }
    public synchronized void load() { throw new UnsupportedOperationException(); }
}
