package io.mmdeploy.cli;

import io.mmdeploy.engine.config.LoadedConfig;
import io.mmdeploy.engine.isolation.IsolationViolation;
import io.mmdeploy.engine.plan.DeployPlan;
import io.mmdeploy.engine.plan.DeployPlanner;
import io.mmdeploy.engine.source.GitRepository;
import java.util.Optional;

/**
 * The deploy plan of the images to build (fingerprints and tags: ServicePlan.buildFingerprint/buildTags); the plan's
 * isolation preflight refuses before anything is built.
 */
final class PlannedImages {
    private PlannedImages() {}

    static DeployPlan plan(EnvironmentOptions options, LoadedConfig loaded) {
        Optional<GitRepository> git = GitRepository.find(options.config.workspace().root());
        try {
            DeployPlan plan = new DeployPlanner(options.config.workspace(), git).plan(loaded, options.environment, null);
            if (!plan.isolated()) {
                throw IsolationViolation.refusal(plan.violations());
            }
            return plan;
        } finally {
            git.ifPresent(GitRepository::close);
        }
    }
}
