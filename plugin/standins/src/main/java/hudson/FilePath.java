package hudson;

import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.util.List;

// Compile-only stand-in of the real Jenkins type (see ../signatures.tsv). No logic; never packaged.
public final class FilePath implements Serializable {
    private FilePath() {}

    public String getRemote() { throw new UnsupportedOperationException(); }
    public boolean isRemote() { throw new UnsupportedOperationException(); }
    public String getName() { throw new UnsupportedOperationException(); }
    public FilePath child(String relOrAbsolute) { throw new UnsupportedOperationException(); }
    public FilePath getParent() { throw new UnsupportedOperationException(); }
    public FilePath sibling(String rel) { throw new UnsupportedOperationException(); }
    public FilePath createTempFile(String prefix, String suffix) throws IOException, InterruptedException { throw new UnsupportedOperationException(); }
    public boolean delete() throws IOException, InterruptedException { throw new UnsupportedOperationException(); }
    public void mkdirs() throws IOException, InterruptedException { throw new UnsupportedOperationException(); }
    public boolean exists() throws IOException, InterruptedException { throw new UnsupportedOperationException(); }
    public boolean isDirectory() throws IOException, InterruptedException { throw new UnsupportedOperationException(); }
    public long length() throws IOException, InterruptedException { throw new UnsupportedOperationException(); }
    public List<FilePath> list() throws IOException, InterruptedException { throw new UnsupportedOperationException(); }
    public int mode() throws IOException, InterruptedException { throw new UnsupportedOperationException(); }
    public InputStream read() throws IOException, InterruptedException { throw new UnsupportedOperationException(); }
    public String readToString() throws IOException, InterruptedException { throw new UnsupportedOperationException(); }
    public void write(String content, String encoding) throws IOException, InterruptedException { throw new UnsupportedOperationException(); }
    public void renameTo(FilePath target) throws IOException, InterruptedException { throw new UnsupportedOperationException(); }
}
