package hudson.model;

import hudson.security.ACL;
import java.util.List;

// Compile-only stand-in of the real Jenkins type (see ../signatures.tsv). No logic; never packaged.
// Actionable's members are declared here: Actionable itself is outside the signature reference (see signatures.tsv).
public abstract class Run<JobT, RunT extends Run<JobT, RunT>> {
    Run() {}

    public <T extends Action> T getAction(Class<T> type) { throw new UnsupportedOperationException(); }
    public void addAction(Action a) { throw new UnsupportedOperationException(); }
    public ACL getACL() { throw new UnsupportedOperationException(); }
    public List<Cause> getCauses() { throw new UnsupportedOperationException(); }
    public String getUrl() { throw new UnsupportedOperationException(); }
    public String getExternalizableId() { throw new UnsupportedOperationException(); }
    public synchronized void save() throws java.io.IOException { throw new UnsupportedOperationException(); }
}
