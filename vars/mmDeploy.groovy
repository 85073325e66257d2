// The one call a Jenkinsfile needs: the branch picks the environment (mm-deploy.yaml says which
// branch deploys where: staging -> staging, main -> production), and the environment's approval
// policy picks the pipeline shape. Any other branch builds nothing: the build ends NOT_BUILT (grey, not red), because
// a feature branch in a Multibranch job is not a failure, only not a deploy.

/**
 * @param args config (default mm-deploy.yaml) and agent (node label); passed on to the pipeline
 */
void call(Map args = [:]) {
    String config = args.config ?: 'mm-deploy.yaml'
    String branch = env.BRANCH_NAME
    if (!branch) {
        error('mmDeploy picks the environment from the branch, and this job builds no branch (BRANCH_NAME is ' +
              'empty). Use a Multibranch Pipeline job, or call mmStagingPipeline or mmProductionPipeline.')
    }
    Map target = null
    node(args.agent ?: '') {
        checkout(scm)
        target = mmEnvironmentFor(branch: branch, config: config)
    }
    if (!target.environment) {
        List mapping = []
        List branches = new ArrayList(target.known.keySet())
        for (int i = 0; i < branches.size(); i++) {
            mapping << "${branches[i]} -> ${target.known[branches[i]]}"
        }
        currentBuild.result = 'NOT_BUILT'
        echo("Branch '${branch}' deploys nowhere: ${config} maps " +
             (mapping ? "the branches ${mapping.join(', ')}" : 'no branch to any environment') +
             ". Merge into one of those branches to deploy, or set environments.<name>.branch in ${config}.")
        return
    }
    echo("Branch '${branch}' deploys to ${target.environment}")
    Map pipelineArgs = args + [environment: target.environment, config: config]
    if (target.gated) {
        mmProductionPipeline(pipelineArgs)
    } else {
        mmStagingPipeline(pipelineArgs)
    }
}
