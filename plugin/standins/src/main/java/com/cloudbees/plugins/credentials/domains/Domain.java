package com.cloudbees.plugins.credentials.domains;

// Compile-only stand-in of the real Jenkins type (see ../signatures.tsv). No logic; never packaged.
public class Domain implements java.io.Serializable {
    Domain() {}
}
