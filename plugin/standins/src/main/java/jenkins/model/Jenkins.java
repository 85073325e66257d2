package jenkins.model;

import hudson.ProxyConfiguration;

// Compile-only stand-in of the real Jenkins type (see ../signatures.tsv). No logic; never packaged.
public class Jenkins {
    private Jenkins() {}

    public static Jenkins get() throws IllegalStateException { throw new UnsupportedOperationException(); }
    public ProxyConfiguration getProxy() { throw new UnsupportedOperationException(); }
    public String getRootUrl() throws IllegalStateException { throw new UnsupportedOperationException(); }
}
