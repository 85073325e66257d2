package hudson.model;

// Compile-only stand-in of the real Jenkins type (see ../signatures.tsv). No logic; never packaged.
public abstract class Cause {
    public static class UserIdCause extends Cause {
        public UserIdCause() {}

        public String getUserId() { throw new UnsupportedOperationException(); }
    }
}
