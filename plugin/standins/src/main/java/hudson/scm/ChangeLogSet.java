package hudson.scm;

import hudson.model.User;

// Compile-only stand-in of the real Jenkins type (see ../signatures.tsv). No logic; never packaged.
public abstract class ChangeLogSet<T extends ChangeLogSet.Entry> implements Iterable<T> {
    ChangeLogSet() {}

    public abstract static class Entry {
        Entry() {}

        public abstract User getAuthor();
    }
}
