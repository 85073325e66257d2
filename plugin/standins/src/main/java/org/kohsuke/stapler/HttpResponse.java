package org.kohsuke.stapler;

// Compile-only stand-in of the real Jenkins type (see ../signatures.tsv). No logic; never packaged.
public interface HttpResponse {}
