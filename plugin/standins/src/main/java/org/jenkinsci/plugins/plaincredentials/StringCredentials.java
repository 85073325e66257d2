package org.jenkinsci.plugins.plaincredentials;

import com.cloudbees.plugins.credentials.common.StandardCredentials;
import hudson.util.Secret;

// Compile-only stand-in of the real Jenkins type (see ../signatures.tsv). No logic; never packaged.
public interface StringCredentials extends StandardCredentials {
    Secret getSecret();
}
