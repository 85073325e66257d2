package com.cloudbees.plugins.credentials;

import com.cloudbees.plugins.credentials.domains.Domain;
import java.util.List;
import java.util.Map;

// Compile-only stand-in of the real Jenkins type (see ../signatures.tsv). No logic; never packaged.
public class SystemCredentialsProvider {
    SystemCredentialsProvider() {}
    public static SystemCredentialsProvider getInstance() { throw new UnsupportedOperationException(); }
    public synchronized Map<Domain, List<Credentials>> getDomainCredentialsMap() { throw new UnsupportedOperationException(); }
}
