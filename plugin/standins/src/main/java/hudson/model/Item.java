package hudson.model;

import hudson.security.Permission;

// Compile-only stand-in of the real Jenkins type (see ../signatures.tsv). No logic; never packaged.
public interface Item {
    Permission BUILD = null;
}
