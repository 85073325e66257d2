package io.mmdeploy.cli;

import io.mmdeploy.engine.config.EnvironmentSpec;
import io.mmdeploy.engine.gcp.GoogleClients;
import io.mmdeploy.engine.onboard.BootstrapPlan;
import io.mmdeploy.engine.onboard.DoctorReport;
import io.mmdeploy.engine.onboard.EnvironmentBootstrap;
import io.mmdeploy.engine.onboard.EnvironmentDoctor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code mmdeploy bootstrap}: what doctor found missing that mm-deploy may create, in the environment's own project; a dry
 * run unless {@code --apply}. Service accounts and IAM bindings are printed as gcloud commands, never made.
 */
@Command(name = "bootstrap", description = "Create what doctor found missing that mm-deploy may own, in the environment's own"
        + " project only: enable the APIs, create the Docker repository and the versioned state bucket (labelled with the"
        + " environment). A dry run unless --apply. Prints the gcloud commands for an administrator for what it must not do"
        + " (the deployer's service account, its roles).")
final class BootstrapCommand extends CloudCommand {
    @Option(names = "--apply", description = "Make the changes (default: only show them).")
    boolean apply;

    @Option(names = "--deployer", paramLabel = "EMAIL",
            description = "The deployer's service-account e-mail for the IAM commands (default: mm-deploy-<env>@<project>.iam.gserviceaccount.com).")
    String deployer;

    @Override
    boolean mutates() {
        return apply;
    }

    @Override
    public Integer call() throws Exception {
        EnvironmentSpec env = environment(load().config());
        try (GoogleClients clients = connect(env, EnvironmentSession.LONGEST_WAIT)) {
            DoctorReport report = new EnvironmentDoctor(options.config.workspace()).examine(env, clients);
            EnvironmentBootstrap bootstrap = new EnvironmentBootstrap(options.config.workspace(), log(EnvironmentBootstrap.STAGE));
            BootstrapPlan plan = bootstrap.plan(env, report, deployer);
            List<String> done = apply ? bootstrap.apply(env, plan, clients) : List.of();
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("plan", plan);
            json.put("applied", apply);
            json.put("created", done);
            print(json, plan.text(apply) + (apply ? "Created " + done.size() + " of " + plan.changes().size()
                    + ". Run `mmdeploy doctor --env " + env.name() + "` to check the environment again.\n" : ""));
            return 0;
        }
    }
}
