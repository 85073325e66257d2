package io.mmdeploy.engine.port.local;

import io.mmdeploy.engine.port.Workspace;
import io.mmdeploy.engine.source.Sha256;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/** The app repository on the local disk, rooted at the config file's directory. */
public final class LocalWorkspace implements Workspace {
    private final Path root;

    public LocalWorkspace(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    public Path root() {
        return root;
    }

    private Path resolve(String path) {
        Path p = root.resolve(path).normalize();
        if (!p.startsWith(root)) {
            throw new IllegalArgumentException(path + " is outside " + root);
        }
        return p;
    }

    @Override
    public Optional<String> readText(String path) throws IOException {
        Path p = resolve(path);
        if (!Files.isRegularFile(p)) {
            return Optional.empty();
        }
        // Invalid UTF-8 becomes U+FFFD, which the config loader reports as "not text".
        return Optional.of(StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPLACE)
                .onUnmappableCharacter(CodingErrorAction.REPLACE)
                .decode(ByteBuffer.wrap(Files.readAllBytes(p))).toString());
    }

    @Override
    public long size(String path) throws IOException {
        Path p = resolve(path);
        return Files.isRegularFile(p) ? Files.size(p) : -1;
    }

    @Override
    public void writeText(String path, String text) throws IOException {
        Path p = resolve(path);
        Files.createDirectories(p.getParent());
        Path tmp = Files.createTempFile(p.getParent(), ".mm-deploy-", ".tmp");
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        try {
            Files.move(tmp, p, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, p, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    @Override
    public boolean exists(String path) {
        return Files.exists(resolve(path));
    }

    @Override
    public Optional<String> sha256(String path) throws IOException {
        Path p = resolve(path);
        if (!Files.isRegularFile(p)) {
            return Optional.empty();
        }
        MessageDigest digest = Sha256.digest();
        try (InputStream in = new DigestInputStream(Files.newInputStream(p), digest)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        return Optional.of(HexFormat.of().formatHex(digest.digest()));
    }

    @Override
    public List<String> list(String directory) throws IOException {
        Path p = resolve(directory);
        if (!Files.isDirectory(p)) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(p)) {
            return entries.map(e -> e.getFileName().toString()).sorted().toList();
        }
    }

    @Override
    public boolean isDirectory(String path) {
        // A link to a directory is not walked into, as docker does not follow links in a build context.
        return Files.isDirectory(resolve(path), LinkOption.NOFOLLOW_LINKS);
    }

    @Override
    public Optional<byte[]> readBytes(String path) throws IOException {
        Path p = resolve(path);
        return Files.isRegularFile(p) ? Optional.of(Files.readAllBytes(p)) : Optional.empty();
    }

    @Override
    public boolean isExecutable(String path) {
        Path p = resolve(path);
        return Files.isRegularFile(p) && Files.isExecutable(p);
    }

    @Override
    public String describe() {
        return root.toString();
    }
}
