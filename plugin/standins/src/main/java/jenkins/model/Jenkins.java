package jenkins.model;

import org.springframework.security.core.Authentication;

// Compile-only stand-in of the real Jenkins type (see ../signatures.tsv). No logic; never packaged.
public class Jenkins {
    private Jenkins() {}

    public static Jenkins get() throws IllegalStateException { throw new UnsupportedOperationException(); }
    public static Authentication getAuthentication2() { throw new UnsupportedOperationException(); }
    public String getRootUrl() throws IllegalStateException { throw new UnsupportedOperationException(); }
}
