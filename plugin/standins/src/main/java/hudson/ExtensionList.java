package hudson;

import java.util.AbstractList;

// Compile-only stand-in of the real Jenkins type (see ../signatures.tsv). No logic; never packaged.
public class ExtensionList<T> extends AbstractList<T> {
    private ExtensionList() {}

    public static <T> ExtensionList<T> lookup(Class<T> type) { throw new UnsupportedOperationException(); }

    @Override
    public T get(int index) { throw new UnsupportedOperationException(); }

    @Override
    public int size() { throw new UnsupportedOperationException(); }
}
