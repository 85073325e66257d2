package com.cloudbees.plugins.credentials;

import java.io.Serializable;

// Compile-only stand-in of the real Jenkins type (see ../signatures.tsv). No logic; never packaged.
public interface Credentials extends Serializable {}
