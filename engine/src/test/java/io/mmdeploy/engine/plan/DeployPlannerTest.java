package io.mmdeploy.engine.plan;

import io.mmdeploy.engine.source.GitRepository;
import io.mmdeploy.engine.source.SourceTree;
import java.nio.file.Path;

/** The planner on a repository read with JGit (a workspace on this machine). */
class DeployPlannerTest extends DeployPlannerContract {
    @Override
    SourceTree sourceTree(Path configDir) {
        return GitRepository.find(configDir).orElseThrow();
    }
}
