package io.mmdeploy.engine.source;

import io.mmdeploy.engine.diagnostics.DeployException;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.errors.MissingObjectException;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.treewalk.TreeWalk;

/**
 * The app's git repository on this machine, read with JGit. The config's directory may sit below the work tree's
 * root (the bundled example does); paths given here are relative to the config's directory and mapped below.
 */
public final class GitRepository implements SourceTree {
    private final Repository repository;
    private final String prefix;

    private GitRepository(Repository repository, String prefix) {
        this.repository = repository;
        this.prefix = prefix;
    }

    /** The repository that holds {@code configDir}, or empty when it is not inside one. */
    public static Optional<GitRepository> find(Path configDir) {
        try {
            FileRepositoryBuilder builder = new FileRepositoryBuilder().findGitDir(configDir.toFile()).setMustExist(true);
            if (builder.getGitDir() == null) {
                return Optional.empty();
            }
            Repository repo = builder.build();
            Path top = repo.getWorkTree().toPath().toRealPath();
            String prefix = top.relativize(configDir.toRealPath()).toString().replace('\\', '/');
            return Optional.of(new GitRepository(repo, prefix));
        } catch (IOException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    @Override
    public String describe() {
        return repository.getWorkTree().toString();
    }

    @Override
    public String prefix() {
        return prefix;
    }

    @Override
    public Revision revision(String rev, String branchHint) {
        try (RevWalk walk = new RevWalk(repository)) {
            RevCommit commit = walk.parseCommit(resolve(rev));
            String branch = repository.getFullBranch() != null && repository.getFullBranch().startsWith(Constants.R_HEADS)
                    && "HEAD".equals(rev) ? repository.getBranch() : branchHint;
            List<String> tags = new ArrayList<>();
            for (Ref ref : repository.getRefDatabase().getRefsByPrefix(Constants.R_TAGS)) {
                Ref peeled = repository.getRefDatabase().peel(ref);
                ObjectId target = peeled.getPeeledObjectId() != null ? peeled.getPeeledObjectId() : peeled.getObjectId();
                String name = ref.getName().substring(Constants.R_TAGS.length());
                if (commit.getId().equals(target) && SourceTree.isVersionTag(name)) {
                    tags.add(name);
                }
            }
            return new Revision(commit.getName(), branch == null ? "detached" : branch, tags,
                    Instant.ofEpochSecond(commit.getCommitTime()));
        } catch (IOException e) {
            throw DeployException.of("Cannot read git revision " + rev, String.valueOf(e.getMessage()));
        }
    }

    @Override
    public Optional<String> objectId(String rev, String path) {
        try (RevWalk walk = new RevWalk(repository)) {
            RevCommit commit = walk.parseCommit(resolve(rev));
            String full = full(path);
            if (full.isEmpty()) {
                return Optional.of(commit.getTree().getName());
            }
            try (TreeWalk tree = TreeWalk.forPath(repository, full, commit.getTree())) {
                return tree == null ? Optional.empty() : Optional.of(tree.getObjectId(0).getName());
            }
        } catch (IOException e) {
            throw DeployException.of("Cannot read " + path + " at " + rev, String.valueOf(e.getMessage()));
        }
    }

    @Override
    public List<String> uncommitted(String path) {
        try (Git git = new Git(repository)) {
            String full = full(path);
            var status = full.isEmpty() ? git.status().call() : git.status().addPath(full).call();
            List<String> out = new ArrayList<>(status.getUncommittedChanges());
            out.addAll(status.getUntracked());
            return out.stream().map(p -> SourceTree.inConfigDir(prefix, p)).sorted().toList();
        } catch (GitAPIException e) {
            return List.of();
        }
    }

    @Override
    public List<String> people(String since) {
        try (RevWalk walk = new RevWalk(repository)) {
            walk.markStart(walk.parseCommit(resolve("HEAD")));
            ObjectId base = since == null ? null : commitOrNull(since);
            boolean range = base != null;
            if (range) {
                walk.markUninteresting(walk.parseCommit(base));
            }
            LinkedHashSet<String> people = new LinkedHashSet<>();
            int read = 0;
            for (RevCommit commit : walk) {
                for (PersonIdent person : List.of(commit.getAuthorIdent(), commit.getCommitterIdent())) {
                    people.add(person.getName());
                    people.add(person.getEmailAddress());
                }
                if (!range || ++read >= PEOPLE_COMMITS) {
                    break;
                }
            }
            people.removeIf(String::isBlank);
            return List.copyOf(people);
        } catch (IOException | RuntimeException e) {
            throw DeployException.of("Cannot read the commits HEAD deploys in " + describe(), String.valueOf(e.getMessage()));
        }
    }

    private ObjectId commitOrNull(String rev) throws IOException {
        try {
            return repository.resolve(rev + "^{commit}");
        } catch (MissingObjectException e) {
            return null;
        }
    }

    /**
     * Commits one file (relative to the config dir) and nothing else, with the repository's configured author
     * (mm-deploy when none is set). Pushing is the caller's business (the shared library decides).
     *
     * @return the new commit's id, or empty when the file has no change to commit
     */
    public Optional<String> commitFile(String path, String message) {
        String full = full(path);
        try (Git git = new Git(repository)) {
            git.add().addFilepattern(full).call();
            var status = git.status().addPath(full).call();
            if (status.getUncommittedChanges().isEmpty()) {
                return Optional.empty();
            }
            var commit = git.commit().setOnly(full).setMessage(message).setSign(false);
            if (repository.getConfig().getString("user", null, "name") == null) {
                PersonIdent ident = new PersonIdent("mm-deploy", "mm-deploy@localhost");
                commit.setAuthor(ident).setCommitter(ident);
            }
            return Optional.of(commit.call().getId().name());
        } catch (GitAPIException e) {
            throw DeployException.of("Cannot commit " + path, e.getMessage() + "\nThe file was written; commit it by hand.");
        }
    }

    private ObjectId resolve(String rev) throws IOException {
        ObjectId id = repository.resolve(rev + "^{commit}");
        if (id == null) {
            throw DeployException.of("Unknown git revision \"" + rev + "\"",
                    "No commit, branch or tag named \"" + rev + "\" in " + repository.getWorkTree() + ".");
        }
        return id;
    }

    private String full(String path) {
        return SourceTree.inWorkTree(prefix, path);
    }

    @Override
    public void close() {
        repository.close();
    }
}
