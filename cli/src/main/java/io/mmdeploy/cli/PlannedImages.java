package io.mmdeploy.cli;

import io.mmdeploy.engine.config.LoadedConfig;
import io.mmdeploy.engine.diagnostics.DeployException;
import io.mmdeploy.engine.isolation.IsolationViolation;
import io.mmdeploy.engine.plan.DeployPlan;
import io.mmdeploy.engine.plan.DeployPlanner;
import io.mmdeploy.engine.plan.ServicePlan;
import io.mmdeploy.engine.source.GitRepository;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The fingerprints and tags of the images to build, from the deploy plan; the plan's isolation preflight
 * refuses before anything is built.
 */
final class PlannedImages {
    private PlannedImages() {}

    static DeployPlan plan(EnvironmentOptions options, LoadedConfig loaded) {
        Optional<GitRepository> git = GitRepository.find(options.config.workspace().root());
        try {
            DeployPlan plan = new DeployPlanner(options.config.workspace(), git).plan(loaded, options.environment, null);
            if (!plan.isolated()) {
                throw new DeployException(plan.violations().stream().map(IsolationViolation::toDiagnostic).toList());
            }
            return plan;
        } finally {
            git.ifPresent(GitRepository::close);
        }
    }

    /** Outside git there is no fingerprint: a one-off value builds the image. */
    static String fingerprint(ServicePlan service) {
        return service.fingerprint() != null ? service.fingerprint() : "unversioned-" + UUID.randomUUID();
    }

    static List<String> tags(ServicePlan service) {
        if (service.tags().isEmpty()) {
            throw DeployException.of("No image tag for " + service.name(),
                    "Tags come from the git revision (the config's tag scheme); run mmdeploy inside the app's git work tree.");
        }
        return service.tags();
    }
}
