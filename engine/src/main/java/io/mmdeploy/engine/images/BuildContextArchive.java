package io.mmdeploy.engine.images;

import io.mmdeploy.engine.diagnostics.DeployException;
import io.mmdeploy.engine.port.Workspace;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;

/**
 * A build context as a {@code .tar.gz}, the way {@code docker build} would send it: what {@code .dockerignore}
 * excludes stays out, except the Dockerfile and the {@code .dockerignore} themselves. The {@code .git} directory
 * always stays out, as {@code gcloud builds submit} leaves it out: images are built from the tree, not its history.
 * Entries are sorted and carry no timestamps, so one context gives the same archive every time. The files are read
 * through the {@link Workspace} port, so the context may sit on another machine (a Jenkins agent).
 */
public final class BuildContextArchive {
    /** Deeper contexts are refused: no real build context nests this far, a symlink loop does. */
    static final int MAX_DEPTH = 64;

    /** What went into an archive. */
    public record Summary(int files, long bytes) {}

    /**
     * @param context the build context directory, relative to the workspace ("" or "." for its root)
     * @param dockerfile the Dockerfile's path relative to the context, always included
     */
    public Summary write(Workspace workspace, String context, String dockerfile, OutputStream out) throws IOException {
        String root = java.nio.file.Path.of(context).normalize().toString().replace('\\', '/');
        if (!workspace.isDirectory(root)) {
            throw DeployException.of("Build context not found: " + within(workspace, root),
                    "The config's build.context must name a directory of the repository.");
        }
        DockerIgnore ignore = workspace.readText(path(root, ".dockerignore")).map(DockerIgnore::parse).orElse(DockerIgnore.none());
        List<String> files = new ArrayList<>();
        collect(workspace, root, "", ignore, dockerfile, files, 0);
        files.sort(null);
        int count = 0;
        long bytes = 0;
        try (GzipCompressorOutputStream gzip = new GzipCompressorOutputStream(new NonClosing(out));
                TarArchiveOutputStream tar = new TarArchiveOutputStream(gzip)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            for (String name : files) {
                boolean always = name.equals(dockerfile) || name.equals(".dockerignore");
                if (!always && ignore.excludes(name)) {
                    continue;
                }
                String file = path(root, name);
                Optional<byte[]> content = workspace.readBytes(file);
                if (content.isEmpty()) {
                    continue; // not a regular file (a socket, a dangling link), or gone meanwhile: docker skips it too
                }
                TarArchiveEntry entry = new TarArchiveEntry(name);
                entry.setSize(content.get().length);
                entry.setModTime(FileTime.fromMillis(0));
                entry.setMode(workspace.isExecutable(file) ? 0755 : 0644);
                tar.putArchiveEntry(entry);
                tar.write(content.get());
                tar.closeArchiveEntry();
                count++;
                bytes += entry.getSize();
            }
            tar.finish();
        }
        return new Summary(count, bytes);
    }

    /**
     * The files below {@code dir} (relative to the context). An excluded directory is not walked when no {@code !}
     * rule could bring anything below it back and the Dockerfile is not in it: on an agent every entry is a round trip.
     */
    private static void collect(Workspace workspace, String root, String dir, DockerIgnore ignore, String dockerfile,
            List<String> into, int depth) throws IOException {
        if (depth > MAX_DEPTH) {
            // Directory symlinks are followed (locally and on agents alike); a loop among them would never end.
            throw DeployException.of("Build context too deep: " + path(root, dir),
                    "The build context " + within(workspace, root) + " nests more than " + MAX_DEPTH
                            + " directories; a symbolic link that points to one of its own parents makes such a loop."
                            + " Remove the link or add its path to .dockerignore.");
        }
        for (String name : workspace.list(path(root, dir))) {
            String relative = path(dir, name);
            if (relative.equals(".git")) {
                continue;
            }
            if (workspace.isDirectory(path(root, relative))) {
                boolean prunable = ignore.excludes(relative) && !ignore.hasExceptions() && !dockerfile.startsWith(relative + "/");
                if (!prunable) {
                    collect(workspace, root, relative, ignore, dockerfile, into, depth + 1);
                }
            } else {
                into.add(relative);
            }
        }
    }

    private static String path(String dir, String name) {
        return dir.isEmpty() ? name : name.isEmpty() ? dir : dir + "/" + name;
    }

    private static String within(Workspace workspace, String dir) {
        return dir.isEmpty() ? workspace.describe() : dir + " in " + workspace.describe();
    }

    /** The caller owns the stream it gave; finishing the gzip must not close it. */
    private static final class NonClosing extends java.io.FilterOutputStream {
        NonClosing(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }
}
