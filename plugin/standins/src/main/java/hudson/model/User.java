package hudson.model;

import java.util.Map;

// Compile-only stand-in of the real Jenkins type (see ../signatures.tsv). No logic; never packaged.
public class User {
    private User() {}

    public String getId() { throw new UnsupportedOperationException(); }
    public static User getById(String id, boolean create) { throw new UnsupportedOperationException(); }
    public static User get(String idOrFullName, boolean create, Map<?, ?> context) { throw new UnsupportedOperationException(); }
}
