package jenkins.scm;

import hudson.scm.ChangeLogSet;
import java.util.List;

// Compile-only stand-in of the real Jenkins type (see ../signatures.tsv). No logic; never packaged.
public interface RunWithSCM<JobT, RunT> {
    List<ChangeLogSet<? extends ChangeLogSet.Entry>> getChangeSets();
}
