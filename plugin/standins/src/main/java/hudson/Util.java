package hudson;

// Compile-only stand-in of the real Jenkins type (see ../signatures.tsv). No logic; never packaged.
public class Util {
    Util() {}
    public static String escape(String text) { throw new UnsupportedOperationException(); }
}
