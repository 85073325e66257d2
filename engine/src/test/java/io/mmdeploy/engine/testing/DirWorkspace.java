package io.mmdeploy.engine.testing;

import io.mmdeploy.engine.port.Workspace;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/** A {@link Workspace} on a directory of the test machine (the engine's tests have no host of their own). */
public final class DirWorkspace implements Workspace {
    private final Path root;

    public DirWorkspace(Path root) {
        this.root = root;
    }

    public Path root() {
        return root;
    }

    public Path resolve(String path) {
        return path.isEmpty() ? root : root.resolve(path);
    }

    @Override
    public Optional<String> readText(String path) throws IOException {
        Path p = resolve(path);
        return Files.isRegularFile(p) ? Optional.of(Files.readString(p, StandardCharsets.UTF_8)) : Optional.empty();
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
        Files.writeString(p, text, StandardCharsets.UTF_8);
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
        try (InputStream in = new DigestInputStream(Files.newInputStream(p), MessageDigest.getInstance("SHA-256"))) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
            return Optional.of(HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest()));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    @Override
    public List<String> list(String directory) throws IOException {
        Path p = resolve(directory);
        if (!Files.isDirectory(p)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(p)) {
            return s.map(x -> x.getFileName().toString()).sorted().toList();
        }
    }

    @Override
    public String describe() {
        return root.toString();
    }
}
