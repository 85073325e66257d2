package io.mmdeploy.engine.plan;

import io.mmdeploy.engine.port.local.LocalCommandRunner;
import io.mmdeploy.engine.source.GitCommandSource;
import io.mmdeploy.engine.source.SourceTree;
import java.nio.file.Path;

/** The planner on a repository read with the git program through the command port (an agent's workspace). */
class DeployPlannerGitCommandTest extends DeployPlannerContract {
    @Override
    SourceTree sourceTree(Path configDir) {
        return GitCommandSource.find(new LocalCommandRunner(configDir), configDir.toString()).orElseThrow();
    }
}
