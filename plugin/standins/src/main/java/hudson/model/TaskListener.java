package hudson.model;

import java.io.PrintStream;
import java.io.Serializable;

// Compile-only stand-in of the real Jenkins type (see ../signatures.tsv). No logic; never packaged.
public interface TaskListener extends Serializable {
    PrintStream getLogger();
}
