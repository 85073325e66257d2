package com.cloudbees.plugins.credentials;

import com.cloudbees.plugins.credentials.common.IdCredentials;
import com.cloudbees.plugins.credentials.domains.DomainRequirement;
import hudson.model.Run;

// Compile-only stand-in of the real Jenkins type (see ../signatures.tsv). No logic; never packaged.
public abstract class CredentialsProvider {
    public static <C extends IdCredentials> C findCredentialById(String id, Class<C> type, Run<?, ?> run, DomainRequirement... requirements) { throw new UnsupportedOperationException(); }

    @SuppressWarnings("rawtypes") // the real signature takes a raw Run
    public static <C extends Credentials> C track(Run build, C credentials) { throw new UnsupportedOperationException(); }
}
