package com.google.jenkins.plugins.credentials.oauth;

// Compile-only stand-in of the real Jenkins type (see ../signatures.tsv). No logic; never packaged.
public final class GoogleRobotMetadataCredentials extends GoogleRobotCredentials {
    private GoogleRobotMetadataCredentials() {}

    public String getUsername() { throw new UnsupportedOperationException(); }
}
