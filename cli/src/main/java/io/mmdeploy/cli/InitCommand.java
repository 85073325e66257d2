package io.mmdeploy.cli;

import io.mmdeploy.engine.config.DeployConfig;
import io.mmdeploy.engine.diagnostics.DeployException;
import io.mmdeploy.engine.init.ConfigProposal;
import io.mmdeploy.engine.init.ConfigProposer;
import io.mmdeploy.engine.port.local.LocalWorkspace;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code mmdeploy init}: proposes mm-deploy.yaml for an app repository; writes it only with --write, never over a file. */
@Command(name = "init", description = "Propose an mm-deploy.yaml from what the app repository holds (Dockerfiles, docker-compose"
        + " build sections, <env>.tfvars and their *_image variables, backend files). Prints it; --write saves it, never over"
        + " an existing file. What init cannot tell is a QUESTION comment in the file; then run validate.")
final class InitCommand implements Callable<Integer> {
    @Option(names = {"-C", "--dir"}, paramLabel = "DIR", defaultValue = ".", description = "The app repository's root (default: the current directory).")
    Path dir;

    @Option(names = "--write", description = "Write the proposal to DIR/" + DeployConfig.DEFAULT_FILE + " (refused when the file exists).")
    boolean write;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        Path root = dir.toAbsolutePath().normalize();
        Path target = root.resolve(DeployConfig.DEFAULT_FILE);
        if (!Files.isDirectory(root)) {
            throw DeployException.of("No such directory: " + dir, "--dir names the app repository's root; " + root + " is not a directory.");
        }
        if (write && Files.exists(target)) {
            throw DeployException.of(dir.resolve(DeployConfig.DEFAULT_FILE) + " exists",
                    "init never overwrites a config. Run it without --write to see a proposal, or move the file aside first.");
        }
        Path name = root.getFileName();
        ConfigProposal proposal = new ConfigProposer(new LocalWorkspace(root)).propose(name == null ? "" : name.toString());
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        String next = proposal.blocking() + " question(s) to answer (each QUESTION comment; its field holds \"?\"), "
                + (proposal.questions().size() - proposal.blocking()) + " point(s) to check; then run `mmdeploy validate`.";
        if (write) {
            Files.writeString(target, proposal.yaml());
            out.println("Wrote " + dir.resolve(DeployConfig.DEFAULT_FILE) + ": " + next);
        } else {
            out.print(proposal.yaml());
            err.println("mmdeploy init: proposal only (nothing written; --write saves it as " + DeployConfig.DEFAULT_FILE + "). " + next);
        }
        out.flush();
        err.flush();
        return 0;
    }
}
