package hudson;

// Compile-only stand-in of the real Jenkins type (see ../signatures.tsv). No logic; never packaged.
public class EnvVars extends java.util.TreeMap<String, String> {
    public EnvVars() {}
}
