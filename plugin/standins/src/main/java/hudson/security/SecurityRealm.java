package hudson.security;

import jenkins.model.IdStrategy;

// Compile-only stand-in of the real Jenkins type (see ../signatures.tsv). No logic; never packaged.
public abstract class SecurityRealm {
    SecurityRealm() {}

    public IdStrategy getUserIdStrategy() { throw new UnsupportedOperationException(); }
    public IdStrategy getGroupIdStrategy() { throw new UnsupportedOperationException(); }
}
