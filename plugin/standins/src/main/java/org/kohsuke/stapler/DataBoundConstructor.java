package org.kohsuke.stapler;

import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;

// Compile-only stand-in of the real Jenkins type (see ../signatures.tsv). No logic; never packaged.
@Retention(RetentionPolicy.RUNTIME)
public @interface DataBoundConstructor {}
