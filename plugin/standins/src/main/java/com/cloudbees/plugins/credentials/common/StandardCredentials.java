package com.cloudbees.plugins.credentials.common;

// Compile-only stand-in of the real Jenkins type (see ../signatures.tsv). No logic; never packaged.
public interface StandardCredentials extends IdCredentials {}
