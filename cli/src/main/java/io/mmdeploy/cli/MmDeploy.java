package io.mmdeploy.cli;

import io.mmdeploy.engine.diagnostics.DeployException;
import io.mmdeploy.engine.diagnostics.Diagnostic;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code mmdeploy}: the mm-deploy engine from a terminal. Exit codes: 0 done, 1 the deploy (or check) failed
 * with diagnostics, 2 wrong usage, 3 an internal error (a bug: rerun with --debug and report it).
 */
@Command(
        name = "mmdeploy",
        // Subcommands, new ones included, inherit --help/-h and --version/-V with the version provider.
        scope = CommandLine.ScopeType.INHERIT,
        mixinStandardHelpOptions = true,
        versionProvider = MmDeploy.Version.class,
        description = "Deploy a Cloud Run microservice app: validate the config, plan, and run each deploy step.",
        subcommands = {
            InitCommand.class,
            ValidateCommand.class,
            DoctorCommand.class,
            BootstrapCommand.class,
            PlanCommand.class,
            DeployCommand.class,
            BuildImagesCommand.class,
            RunMigrationsCommand.class,
            ApplyTofuCommand.class,
            ServiceUrlsCommand.class,
            BuildGatewayCommand.class,
            HealthCommand.class,
            TrafficCommand.class,
            ReleasesCommand.class,
            ReleaseCommand.class,
            RollbackCommand.class,
            MetricsCommand.class,
            DriftCommand.class,
            RetentionCommand.class,
            CommandLine.HelpCommand.class
        })
public final class MmDeploy {
    public static final int FAILED = 1;
    public static final int INTERNAL_ERROR = 3;

    @Option(names = "--debug", scope = CommandLine.ScopeType.INHERIT, description = "Show debug events and stack traces of internal errors.")
    boolean debug;

    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs one command line; the tests call this with their own writers. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cli = new CommandLine(new MmDeploy());
        cli.setOut(out);
        cli.setErr(err);
        return reporting(cli).execute(args);
    }

    /** Failures as the CLI reports them on its stderr: a DeployException's diagnostics, else an internal error. */
    static CommandLine reporting(CommandLine cli) {
        cli.setExecutionExceptionHandler((ex, line, parsed) -> report(ex, line, cli.getErr()));
        return cli;
    }

    private static int report(Exception ex, CommandLine line, PrintWriter err) {
        if (ex instanceof DeployException deploy) {
            printDiagnostics(deploy, err);
            return FAILED;
        }
        err.println("mmdeploy: internal error: " + ex.getClass().getSimpleName() + (ex.getMessage() == null ? "" : ": " + ex.getMessage()));
        MmDeploy root = line.getCommandSpec().root().userObject() instanceof MmDeploy m ? m : null;
        if (root != null && root.debug) {
            ex.printStackTrace(err);
        } else {
            err.println("This is a bug in mm-deploy. Rerun with --debug for details and report it.");
        }
        err.flush();
        return INTERNAL_ERROR;
    }

    static void printDiagnostics(DeployException failure, PrintWriter err) {
        long errors = failure.diagnostics().stream().filter(Diagnostic::isError).count();
        for (Diagnostic d : failure.diagnostics()) {
            err.println(d.render());
            err.println();
        }
        if (errors > 1) {
            err.println(errors + " errors.");
        }
        err.flush();
    }

    /** The Maven project version, from a resource filtered at build time: the manifest has none outside the jar. */
    static final class Version implements CommandLine.IVersionProvider {
        static final String RESOURCE = "version.properties";

        @Override
        public String[] getVersion() throws IOException {
            Properties p = new Properties();
            try (InputStream in = MmDeploy.class.getResourceAsStream(RESOURCE)) {
                if (in == null) {
                    throw new IOException(RESOURCE + " is missing from the build");
                }
                p.load(in);
            }
            return new String[] {"mmdeploy " + p.getProperty("version")};
        }
    }
}
