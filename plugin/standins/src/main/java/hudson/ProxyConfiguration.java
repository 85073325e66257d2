package hudson;

import hudson.util.Secret;

// Compile-only stand-in of the real Jenkins type (see ../signatures.tsv). No logic; never packaged.
public final class ProxyConfiguration {
    private ProxyConfiguration() {}

    public String getName() { throw new UnsupportedOperationException(); }
    public int getPort() { throw new UnsupportedOperationException(); }
    public String getUserName() { throw new UnsupportedOperationException(); }
    public Secret getSecretPassword() { throw new UnsupportedOperationException(); }
    public String getNoProxyHost() { throw new UnsupportedOperationException(); }
}
