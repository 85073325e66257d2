package io.jenkins.plugins.mmdeploy.host;

import hudson.FilePath;
import io.mmdeploy.engine.port.Workspace;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/** The build's workspace, wherever its agent is, as the engine's {@link Workspace}. */
public final class FilePathWorkspace implements Workspace {
    private final FilePath root;

    public FilePathWorkspace(FilePath root) {
        this.root = root;
    }

    /** The workspace-relative {@code directory} of {@code root} ("" for root itself) as a workspace of its own. */
    public static FilePathWorkspace in(FilePath root, String directory) throws IOException {
        return directory == null || directory.isEmpty() ? new FilePathWorkspace(root) : new FilePathWorkspace(new FilePathWorkspace(root).resolve(directory));
    }

    @Override
    public Optional<String> readText(String path) throws IOException {
        FilePath file = resolve(path);
        return call(() -> file.exists() && !file.isDirectory() ? Optional.of(file.readToString()) : Optional.empty());
    }

    @Override
    public long size(String path) throws IOException {
        FilePath file = resolve(path);
        return call(() -> file.exists() ? file.length() : -1L);
    }

    @Override
    public void writeText(String path, String text) throws IOException {
        FilePath target = resolve(path);
        call(() -> {
            FilePath dir = target.getParent();
            dir.mkdirs();
            // Write beside the target, then rename: a reader never sees half a file.
            FilePath partial = dir.child("." + target.getName() + ".mm-deploy-partial");
            partial.write(text, StandardCharsets.UTF_8.name());
            partial.renameTo(target);
            return null;
        });
    }

    @Override
    public boolean exists(String path) throws IOException {
        FilePath file = resolve(path);
        return call(file::exists);
    }

    @Override
    public Optional<String> sha256(String path) throws IOException {
        FilePath file = resolve(path);
        return call(() -> {
            if (!file.exists() || file.isDirectory()) {
                return Optional.empty();
            }
            // The bytes stream to the controller to be hashed; saved plans are a few MB at most.
            MessageDigest digest = sha256Digest();
            try (InputStream in = new DigestInputStream(file.read(), digest)) {
                in.transferTo(OutputStream.nullOutputStream());
            }
            return Optional.of(HexFormat.of().formatHex(digest.digest()));
        });
    }

    private static MessageDigest sha256Digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    @Override
    public List<String> list(String directory) throws IOException {
        FilePath dir = resolve(directory);
        return call(() -> {
            List<String> names = new ArrayList<>();
            if (dir.isDirectory()) {
                for (FilePath child : dir.list()) {
                    names.add(child.getName());
                }
            }
            names.sort(null);
            return names;
        });
    }

    @Override
    public boolean isDirectory(String path) throws IOException {
        FilePath file = resolve(path);
        return call(file::isDirectory);
    }

    @Override
    public Optional<byte[]> readBytes(String path) throws IOException {
        FilePath file = resolve(path);
        return call(() -> {
            if (!file.exists() || file.isDirectory()) {
                return Optional.empty();
            }
            try (InputStream in = file.read()) {
                return Optional.of(in.readAllBytes());
            }
        });
    }

    @Override
    public boolean isExecutable(String path) throws IOException {
        FilePath file = resolve(path);
        // mode() is -1 where the agent's file system has no POSIX permissions (Windows).
        return call(() -> {
            if (!file.exists() || file.isDirectory()) {
                return false;
            }
            int mode = file.mode();
            return mode != -1 && (mode & 0100) != 0;
        });
    }

    @Override
    public String describe() {
        return root.getRemote();
    }

    /** Paths are relative to the workspace and stay inside it. */
    FilePath resolve(String path) throws IOException {
        String normal = path == null ? "" : path.replace('\\', '/');
        if (normal.startsWith("/") || normal.matches("^[A-Za-z]:.*")) {
            throw new IOException("Not a workspace-relative path: " + path);
        }
        for (String segment : normal.split("/")) {
            if (segment.equals("..")) {
                throw new IOException("Path leaves the workspace: " + path);
            }
        }
        return normal.isEmpty() || normal.equals(".") ? root : root.child(normal);
    }

    private interface RemoteCall<T> {
        T call() throws IOException, InterruptedException;
    }

    private static <T> T call(RemoteCall<T> action) throws IOException {
        try {
            return action.call();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            InterruptedIOException io = new InterruptedIOException("interrupted while reaching the workspace");
            io.initCause(e);
            throw io;
        }
    }
}
