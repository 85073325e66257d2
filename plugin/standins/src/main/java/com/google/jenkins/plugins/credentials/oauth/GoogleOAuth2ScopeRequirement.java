package com.google.jenkins.plugins.credentials.oauth;

// Compile-only stand-in of the real Jenkins type (see ../signatures.tsv). No logic; never packaged.
public abstract class GoogleOAuth2ScopeRequirement extends OAuth2ScopeRequirement {}
