package io.mmdeploy.engine.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mmdeploy.engine.diagnostics.DeployException;
import io.mmdeploy.engine.port.CommandResult;
import io.mmdeploy.engine.port.CommandRunner;
import io.mmdeploy.engine.port.local.LocalCommandRunner;
import io.mmdeploy.engine.testing.ExampleRepo;
import java.nio.file.Files;
import java.nio.file.Path;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.PersonIdent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GitCommandSourceTest {
    @TempDir
    Path dir;

    private static GitCommandSource cli(Path configDir) {
        return GitCommandSource.find(new LocalCommandRunner(configDir), configDir.toString()).orElseThrow();
    }

    @Test
    void belowTheWorkTreeRootPathsAreMappedAsJGitMapsThem() throws Exception {
        ExampleRepo repo = ExampleRepo.gitRepoInto(dir, "main");
        repo.write("services/meals/app/new.py", "pass\n");
        repo.write("services/meals/Dockerfile", "FROM scratch\n");
        Path configDir = dir.resolve("services");
        try (GitRepository jgit = GitRepository.find(configDir).orElseThrow(); GitCommandSource cli = cli(configDir)) {
            assertThat(cli.prefix()).isEqualTo("services").isEqualTo(jgit.prefix());
            assertThat(cli.objectId("HEAD", "meals")).isPresent().isEqualTo(jgit.objectId("HEAD", "meals"));
            assertThat(cli.objectId("HEAD", ".")).isPresent().isEqualTo(jgit.objectId("HEAD", "."))
                    .isNotEqualTo(cli.objectId("HEAD", "meals"));
            assertThat(cli.objectId("HEAD", "no-such-dir")).isEmpty();
            assertThat(cli.uncommitted("meals")).containsExactly("meals/Dockerfile", "meals/app/new.py")
                    .isEqualTo(jgit.uncommitted("meals"));
            assertThat(cli.revision("HEAD", "ignored")).isEqualTo(jgit.revision("HEAD", "ignored"));
        }
    }

    @Test
    void aDetachedHeadTakesTheBranchHint() throws Exception {
        ExampleRepo repo = ExampleRepo.gitRepoInto(dir, "main");
        String sha = repo.commit("second");
        try (Git git = Git.open(dir.toFile())) {
            git.checkout().setName(sha).call();
        }
        Revision revision = cli(dir).revision("HEAD", "release");
        assertThat(revision.branch()).isEqualTo("release");
        assertThat(revision.sha()).isEqualTo(sha);
    }

    @Test
    void thePeopleOfADeployAreTheAuthorsAndCommittersSinceTheLiveCommitAsJGitReadsThem() throws Exception {
        ExampleRepo.gitRepoInto(dir, "main");
        String live;
        try (Git git = Git.open(dir.toFile())) {
            live = git.getRepository().resolve("HEAD").name();
            commit(git, "Alice Smith", "alice@corp.example", "Bob Jones", "bob@corp.example");
            commit(git, "Carol", "carol@corp.example", "Carol", "carol@corp.example");
        }
        try (GitRepository jgit = GitRepository.find(dir).orElseThrow(); GitCommandSource cli = cli(dir)) {
            assertThat(cli.people(live)).containsExactly("Carol", "carol@corp.example", "Alice Smith", "alice@corp.example",
                    "Bob Jones", "bob@corp.example").isEqualTo(jgit.people(live));
            // No live release, or one this history lacks: HEAD's commit alone, never the whole history.
            assertThat(cli.people(null)).containsExactly("Carol", "carol@corp.example").isEqualTo(jgit.people(null));
            String unknown = "0123456789abcdef0123456789abcdef01234567";
            assertThat(cli.people(unknown)).isEqualTo(cli.people(null)).isEqualTo(jgit.people(unknown));
        }
    }

    private static void commit(Git git, String author, String authorEmail, String committer, String committerEmail)
            throws Exception {
        git.commit().setAllowEmpty(true).setMessage("change by " + author)
                .setAuthor(new PersonIdent(author, authorEmail))
                .setCommitter(new PersonIdent(committer, committerEmail)).call();
    }

    @Test
    void anUnknownRevisionIsNamed() {
        ExampleRepo.gitRepoInto(dir, "main");
        assertThatThrownBy(() -> cli(dir).objectId("no-such-branch", "services"))
                .isInstanceOf(DeployException.class).hasMessageContaining("Unknown git revision \"no-such-branch\"");
    }

    @Test
    void aDirectoryOutsideAnyRepositoryHasNoHistory() throws Exception {
        Path plain = Files.createDirectories(dir.resolve("plain"));
        assertThat(GitCommandSource.find(new LocalCommandRunner(plain), plain.toString())).isEmpty();
    }

    @Test
    void aFailingGitCommandBecomesADiagnosticNamingTheCommand() {
        CommandRunner broken = (command, onLine) -> switch (command.argv().get(1)) {
            case "rev-parse" -> new CommandResult(0, command.argv().contains("--show-prefix") ? "\n" : "abc123\n", "");
            default -> new CommandResult(128, "", "fatal: bad object abc123");
        };
        GitCommandSource source = GitCommandSource.find(broken, "/agent/workspace").orElseThrow();
        assertThatThrownBy(() -> source.revision("HEAD", "main"))
                .isInstanceOf(DeployException.class)
                .hasMessageContaining("git log -1 --format=%ct abc123 exited 128: fatal: bad object abc123")
                .hasMessageContaining("/agent/workspace");
        assertThatThrownBy(() -> source.uncommitted("services"))
                .isInstanceOf(DeployException.class).hasMessageContaining("git status --porcelain");
    }

    @Test
    void gitThatCannotStartIsReported() {
        CommandRunner missing = (command, onLine) -> {
            throw new java.io.IOException("Cannot run program \"git\": error=2, No such file or directory");
        };
        assertThatThrownBy(() -> GitCommandSource.find(missing, "/agent/workspace"))
                .isInstanceOf(DeployException.class).hasMessageContaining("Install git");
    }
}
