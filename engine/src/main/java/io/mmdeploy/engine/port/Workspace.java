package io.mmdeploy.engine.port;

import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * The files of the checked-out app repository. Paths are relative to its root and use '/'.
 * The CLI implements it on the local disk, the plugin on the build's workspace (FilePath).
 */
public interface Workspace {

    /** The text of a file, or empty when there is no such file. */
    Optional<String> readText(String path) throws IOException;

    /** The size of a file in bytes, or -1 when there is no such file. */
    long size(String path) throws IOException;

    /** Writes a file whole, creating parent directories; replaces atomically where the host can. */
    void writeText(String path, String text) throws IOException;

    boolean exists(String path) throws IOException;

    /**
     * The SHA-256 of a file's bytes as 64 lowercase hex digits, or empty when there is no such file. For
     * binary files (saved tofu plans) that must not travel as text; the host hashes where the file is.
     */
    Optional<String> sha256(String path) throws IOException;

    /** Names (not paths) of the entries directly inside a directory; empty when there is none. */
    List<String> list(String directory) throws IOException;

    /** Whether the path is a directory (a link to one counts, as the host resolves it). */
    boolean isDirectory(String path) throws IOException;

    /** The bytes of a file, or empty when there is no such file. For what is not text (a build context's files). */
    Optional<byte[]> readBytes(String path) throws IOException;

    /**
     * Whether the file's owner may execute it: a build context keeps the bit, because images run their scripts.
     * False where there is no such file or the host has no such bit.
     */
    boolean isExecutable(String path) throws IOException;

    /** A description of the root for messages (an absolute path on the host). */
    String describe();
}
