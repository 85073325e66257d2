package com.google.jenkins.plugins.credentials.oauth;

import com.cloudbees.plugins.credentials.common.StandardCredentials;

// Compile-only stand-in of the real Jenkins type (see ../signatures.tsv). No logic; never packaged.
// Real: extends BaseStandardCredentials implements GoogleOAuth2Credentials, both StandardCredentials.
public abstract class GoogleRobotCredentials implements StandardCredentials {
    GoogleRobotCredentials() {}

    public String getProjectId() { throw new UnsupportedOperationException(); }
}
