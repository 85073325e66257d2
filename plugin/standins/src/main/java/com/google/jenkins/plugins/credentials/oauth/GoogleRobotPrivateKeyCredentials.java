package com.google.jenkins.plugins.credentials.oauth;

// Compile-only stand-in of the real Jenkins type (see ../signatures.tsv). No logic; never packaged.
public final class GoogleRobotPrivateKeyCredentials extends GoogleRobotCredentials {
    private GoogleRobotPrivateKeyCredentials() {}

    public ServiceAccountConfig getServiceAccountConfig() { throw new UnsupportedOperationException(); }
}
