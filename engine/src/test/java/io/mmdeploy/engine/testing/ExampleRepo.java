package io.mmdeploy.engine.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.PersonIdent;

/**
 * The bundled MindMirror example (examples/mindmirror), copied into a temporary directory so that a test
 * may change it, and optionally made a git repository of its own.
 */
public final class ExampleRepo {
    public static final String CONFIG = "mm-deploy.yaml";

    private final Path root;

    private ExampleRepo(Path root) {
        this.root = root;
    }

    /** A copy made earlier, at {@code root}. */
    public static ExampleRepo at(Path root) {
        return new ExampleRepo(root);
    }

    /** Copies the example into {@code dir}. */
    public static ExampleRepo copyInto(Path dir) {
        Path source = locate();
        try (Stream<Path> files = Files.walk(source)) {
            for (Path from : (Iterable<Path>) files::iterator) {
                Path to = dir.resolve(source.relativize(from).toString());
                if (Files.isDirectory(from)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new ExampleRepo(dir);
    }

    /** Copies the example into {@code dir} and commits it on branch {@code branch} of a new repository. */
    public static ExampleRepo gitRepoInto(Path dir, String branch) {
        ExampleRepo repo = copyInto(dir);
        try (Git git = Git.init().setDirectory(dir.toFile()).setInitialBranch(branch).call()) {
            repo.commitAll(git, "Initial import of the MindMirror example");
        } catch (GitAPIException e) {
            throw new IllegalStateException(e);
        }
        return repo;
    }

    public Path root() {
        return root;
    }

    public Path config() {
        return root.resolve(CONFIG);
    }

    public String read(String file) {
        try {
            return Files.readString(root.resolve(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public ExampleRepo write(String file, String text) {
        try {
            Files.createDirectories(root.resolve(file).getParent());
            Files.writeString(root.resolve(file), text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    public ExampleRepo edit(String file, UnaryOperator<String> change) {
        String before = read(file);
        String after = change.apply(before);
        if (after.equals(before)) {
            throw new IllegalArgumentException("the edit changed nothing in " + file + ": the test's anchor text is gone");
        }
        return write(file, after);
    }

    /** Replaces exactly one occurrence of {@code from}; fails when it is absent, so a stale test cannot pass. */
    public ExampleRepo replace(String file, String from, String to) {
        return edit(file, text -> {
            int at = text.indexOf(from);
            if (at < 0) {
                throw new IllegalArgumentException("\"" + from + "\" is not in " + file);
            }
            return text.substring(0, at) + to + text.substring(at + from.length());
        });
    }

    /** Commits everything in the work tree and returns the new commit id. */
    public String commit(String message) {
        try (Git git = Git.open(root.toFile())) {
            return commitAll(git, message);
        } catch (IOException | GitAPIException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Commits everything in the work tree as written by {@code author} (committed by the tests' own identity). */
    public String commit(String message, PersonIdent author) {
        try (Git git = Git.open(root.toFile())) {
            return commitAll(git, message, author);
        } catch (IOException | GitAPIException e) {
            throw new IllegalStateException(e);
        }
    }

    private String commitAll(Git git, String message) throws GitAPIException {
        return commitAll(git, message, TESTS);
    }

    private static final PersonIdent TESTS = new PersonIdent("mm-deploy tests", "tests@mm-deploy.invalid");

    private String commitAll(Git git, String message, PersonIdent author) throws GitAPIException {
        git.add().addFilepattern(".").call();
        git.add().addFilepattern(".").setUpdate(true).call();
        return git.commit().setMessage(message).setAuthor(author).setCommitter(TESTS).setSign(false).call().getName();
    }

    private static Path locate() {
        return projectFile("examples/mindmirror");
    }

    /** A file of the mm-deploy project itself, found from the module directory the tests run in. */
    public static Path projectFile(String path) {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.exists(dir.resolve(path)) && Files.isRegularFile(dir.resolve("mmdeploy"))) {
                return dir.resolve(path);
            }
        }
        throw new IllegalStateException(path + " not found above " + Path.of("").toAbsolutePath());
    }
}
