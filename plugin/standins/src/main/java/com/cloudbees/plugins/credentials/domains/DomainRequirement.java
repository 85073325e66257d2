package com.cloudbees.plugins.credentials.domains;

// Compile-only stand-in of the real Jenkins type (see ../signatures.tsv). No logic; never packaged.
public class DomainRequirement implements hudson.ExtensionPoint, java.io.Serializable {}
