package com.cloudbees.plugins.credentials.common;

import com.cloudbees.plugins.credentials.Credentials;

// Compile-only stand-in of the real Jenkins type (see ../signatures.tsv). No logic; never packaged.
public interface IdCredentials extends Credentials {}
