package org.jenkinsci.plugins.workflow.steps;

// Compile-only stand-in of the real Jenkins type (see ../signatures.tsv). No logic; never packaged.
public abstract class BodyInvoker {}
