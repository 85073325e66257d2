package io.mmdeploy.engine.source;

import io.mmdeploy.engine.diagnostics.DeployException;
import io.mmdeploy.engine.port.Command;
import io.mmdeploy.engine.port.CommandResult;
import io.mmdeploy.engine.port.CommandRunner;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;

/**
 * The app's git history read with the git program through the command port, in the workspace (the config's
 * directory): what a Jenkins agent's workspace needs, where JGit cannot open the repository from here. Every
 * command is plain plumbing whose output does not depend on the user's git configuration.
 */
public final class GitCommandSource implements SourceTree {
    private static final Duration TIMEOUT = Duration.ofMinutes(2);

    private final CommandRunner commands;
    private final String where;
    private final String prefix;

    private GitCommandSource(CommandRunner commands, String where, String prefix) {
        this.commands = commands;
        this.where = where;
        this.prefix = prefix;
    }

    /**
     * The repository that holds the workspace, or empty when it is not inside one.
     *
     * @param where the workspace, for messages
     */
    public static Optional<GitCommandSource> find(CommandRunner commands, String where) {
        CommandResult result = run(commands, where, List.of("rev-parse", "--show-prefix"));
        if (!result.succeeded()) {
            return Optional.empty();
        }
        String prefix = result.stdout().strip();
        prefix = prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix;
        return Optional.of(new GitCommandSource(commands, where, prefix));
    }

    @Override
    public String describe() {
        return where;
    }

    @Override
    public String prefix() {
        return prefix;
    }

    @Override
    public Revision revision(String rev, String branchHint) {
        String sha = commit(rev);
        Instant time = Instant.ofEpochSecond(Long.parseLong(output("log", "-1", "--format=%ct", sha).strip()));
        List<String> tags = output("tag", "--points-at", sha).lines().map(String::strip)
                .filter(SourceTree::isVersionTag).sorted().toList();
        String branch = branchHint;
        if ("HEAD".equals(rev)) {
            CommandResult head = run(commands, where, List.of("symbolic-ref", "-q", "--short", "HEAD"));
            if (head.succeeded()) {
                branch = head.stdout().strip();
            } else if (head.exitCode() != 1) {
                throw failed(List.of("symbolic-ref", "-q", "--short", "HEAD"), head);
            }
        }
        return new Revision(sha, branch == null ? "detached" : branch, tags, time);
    }

    @Override
    public Optional<String> objectId(String rev, String path) {
        List<String> args = List.of("rev-parse", "--verify", "-q", rev + ":" + SourceTree.inWorkTree(prefix, path));
        CommandResult result = run(commands, where, args);
        if (result.succeeded()) {
            return Optional.of(result.stdout().strip());
        }
        commit(rev); // an unknown revision is an error; only a missing path is "not there"
        return Optional.empty();
    }

    @Override
    public List<String> uncommitted(String path) {
        String pathspec = path.isEmpty() ? "." : path;
        // -z: names come unquoted; a rename is "R  new\0old\0", the old name is skipped.
        String status = output("status", "--porcelain", "-z", "--untracked-files=all", "--", pathspec);
        String[] fields = (status.endsWith("\n") ? status.substring(0, status.length() - 1) : status).split("\0");
        List<String> out = new ArrayList<>();
        for (int i = 0; i < fields.length; i++) {
            String field = fields[i];
            if (field.length() < 4) {
                continue;
            }
            out.add(SourceTree.inConfigDir(prefix, field.substring(3)));
            if (field.charAt(0) == 'R' || field.charAt(0) == 'C') {
                i++;
            }
        }
        return out.stream().sorted().toList();
    }

    @Override
    public List<String> people(String since) {
        boolean range = since != null && run(commands, where, List.of("cat-file", "-e", since + "^{commit}")).succeeded();
        List<String> args = new ArrayList<>(List.of("log", "--format=%an%x00%ae%x00%cn%x00%ce", "-n",
                String.valueOf(range ? PEOPLE_COMMITS : 1), "HEAD"));
        if (range) {
            args.add("^" + since);
        }
        LinkedHashSet<String> people = new LinkedHashSet<>();
        output(args.toArray(String[]::new)).lines().forEach(line -> {
            for (String field : line.split("\0")) {
                if (!field.isBlank()) {
                    people.add(field.strip());
                }
            }
        });
        return List.copyOf(people);
    }

    private String commit(String rev) {
        List<String> args = List.of("rev-parse", "--verify", "-q", rev + "^{commit}");
        CommandResult result = run(commands, where, args);
        if (!result.succeeded()) {
            throw DeployException.of("Unknown git revision \"" + rev + "\"",
                    "No commit, branch or tag named \"" + rev + "\" in the git repository of " + where + " (git "
                            + String.join(" ", args) + " exited " + result.exitCode() + ").");
        }
        return result.stdout().strip();
    }

    private String output(String... args) {
        CommandResult result = run(commands, where, List.of(args));
        if (!result.succeeded()) {
            throw failed(List.of(args), result);
        }
        return result.stdout();
    }

    private DeployException failed(List<String> args, CommandResult result) {
        return DeployException.of("git " + args.get(0) + " failed in " + where,
                "git " + String.join(" ", args) + " exited " + result.exitCode()
                        + (result.stderr().isBlank() ? "." : ": " + result.stderr().strip())
                        + "\nCheck that the workspace is a complete git checkout (not a shallow or sparse one missing that commit).");
    }

    private static CommandResult run(CommandRunner commands, String where, List<String> args) {
        List<String> argv = new ArrayList<>();
        argv.add("git");
        argv.addAll(args);
        Command command = Command.of(argv.toArray(String[]::new)).withTimeout(TIMEOUT);
        try {
            return commands.run(command, line -> { });
        } catch (IOException e) {
            throw DeployException.of("Cannot run git in " + where,
                    String.join(" ", argv) + ": " + e.getMessage() + "\nInstall git on the machine that holds the workspace.");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw DeployException.of("Interrupted while running git in " + where, String.join(" ", argv) + " was stopped.");
        }
    }
}
