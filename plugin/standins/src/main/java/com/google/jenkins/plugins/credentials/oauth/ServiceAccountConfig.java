package com.google.jenkins.plugins.credentials.oauth;

import hudson.model.Describable;
import java.io.Serializable;
import java.security.PrivateKey;

// Compile-only stand-in of the real Jenkins type (see ../signatures.tsv). No logic; never packaged.
public abstract class ServiceAccountConfig implements Describable<ServiceAccountConfig>, Serializable {
    public abstract String getAccountId();

    public abstract PrivateKey getPrivateKey();
}
