package com.google.jenkins.plugins.credentials.oauth;

import com.cloudbees.plugins.credentials.domains.DomainRequirement;
import java.util.Collection;

// Compile-only stand-in of the real Jenkins type (see ../signatures.tsv). No logic; never packaged.
// The real class extends oauth-credentials' OAuth2ScopeRequirement (which extends DomainRequirement and declares
// getScopes()); that plugin is outside the signature reference, so its one member is declared here.
public abstract class GoogleOAuth2ScopeRequirement extends DomainRequirement {
    public abstract Collection<String> getScopes();
}
