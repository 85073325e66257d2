package io.mmdeploy.engine.images;

import io.mmdeploy.engine.diagnostics.DeployException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;

/**
 * A build context as a {@code .tar.gz}, the way {@code docker build} would send it: what {@code .dockerignore}
 * excludes stays out, except the Dockerfile and the {@code .dockerignore} themselves. The {@code .git} directory
 * always stays out, as {@code gcloud builds submit} leaves it out: images are built from the tree, not its history.
 * Entries are sorted and carry no timestamps, so one context gives the same archive every time.
 */
public final class BuildContextArchive {

    /** What went into an archive. */
    public record Summary(int files, long bytes) {}

    /**
     * @param context the build context directory
     * @param dockerfile the Dockerfile's path relative to the context, always included
     */
    public Summary write(Path context, String dockerfile, OutputStream out) throws IOException {
        if (!Files.isDirectory(context)) {
            throw DeployException.of("Build context not found: " + context, "The config's build.context must name a directory of the repository.");
        }
        Path ignoreFile = context.resolve(".dockerignore");
        DockerIgnore ignore = Files.isRegularFile(ignoreFile)
                ? DockerIgnore.parse(Files.readString(ignoreFile, StandardCharsets.UTF_8))
                : DockerIgnore.none();
        List<Path> files = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(context)) {
            walk.filter(Files::isRegularFile).sorted().forEach(files::add);
        }
        int count = 0;
        long bytes = 0;
        try (GzipCompressorOutputStream gzip = new GzipCompressorOutputStream(new NonClosing(out));
                TarArchiveOutputStream tar = new TarArchiveOutputStream(gzip)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            for (Path file : files) {
                String name = context.relativize(file).toString().replace('\\', '/');
                boolean always = name.equals(dockerfile) || name.equals(".dockerignore");
                if (name.equals(".git") || name.startsWith(".git/") || !always && ignore.excludes(name)) {
                    continue;
                }
                TarArchiveEntry entry = new TarArchiveEntry(name);
                entry.setSize(Files.size(file));
                entry.setModTime(FileTime.fromMillis(0));
                entry.setMode(Files.isExecutable(file) ? 0755 : 0644);
                tar.putArchiveEntry(entry);
                Files.copy(file, tar);
                tar.closeArchiveEntry();
                count++;
                bytes += entry.getSize();
            }
            tar.finish();
        }
        return new Summary(count, bytes);
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
