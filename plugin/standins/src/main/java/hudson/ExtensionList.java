package hudson;

// Compile-only stand-in of the real Jenkins type (see ../signatures.tsv). No logic; never packaged.
public abstract class ExtensionList<T> extends java.util.AbstractList<T> {
    private ExtensionList() {}

    public static <U> U lookupSingleton(Class<U> type) { throw new UnsupportedOperationException(); }
}
