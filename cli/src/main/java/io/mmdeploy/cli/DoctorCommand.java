package io.mmdeploy.cli;

import io.mmdeploy.engine.config.EnvironmentSpec;
import io.mmdeploy.engine.gcp.GoogleClients;
import io.mmdeploy.engine.onboard.DoctorReport;
import io.mmdeploy.engine.onboard.EnvironmentDoctor;
import picocli.CommandLine.Command;

/** {@code mmdeploy doctor}: read-only checks of an environment's project, each with its fix; exit 1 when one fails. */
@Command(name = "doctor", description = "Check an environment's project before the first deploy (read only): the APIs are enabled,"
        + " the registry and the versioned state bucket exist, the URLs and records secrets can be written, and the credentials"
        + " hold every permission the deploy needs (each missing one with the role that grants it). Exit 1 when anything is missing.")
final class DoctorCommand extends CloudCommand {
    @Override
    public Integer call() throws Exception {
        EnvironmentSpec env = environment(load().config());
        try (GoogleClients clients = connect(env, EnvironmentSession.LONGEST_WAIT)) {
            DoctorReport report = new EnvironmentDoctor(options.config.workspace()).examine(env, clients);
            print(report, report.text());
            return report.ready() ? 0 : MmDeploy.FAILED;
        }
    }
}
