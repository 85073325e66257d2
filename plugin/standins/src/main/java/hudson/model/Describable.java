package hudson.model;

// Compile-only stand-in of the real Jenkins type (see ../signatures.tsv). No logic; never packaged.
public interface Describable<T extends Describable<T>> {}
