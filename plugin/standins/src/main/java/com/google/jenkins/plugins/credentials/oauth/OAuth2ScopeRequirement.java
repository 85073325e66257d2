package com.google.jenkins.plugins.credentials.oauth;

import com.cloudbees.plugins.credentials.domains.DomainRequirement;
import java.util.Collection;

// Compile-only stand-in of the real Jenkins type (see ../signatures.tsv). No logic; never packaged.
public abstract class OAuth2ScopeRequirement extends DomainRequirement {
    public abstract Collection<String> getScopes();
}
