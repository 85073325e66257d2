// The manual rollback job (Jenkinsfile.rollback.example): pick the environment (no default), one service or all,
// the target, and FORCE to go back past migrations the older release may not read (mmRollback
// refuses that otherwise); an environment with approval gates asks for confirmation first, forced
// or not; the services moved are health-checked after, and the rollback gets a release record like
// any deploy.
//
// Why this is not vars/mmRollback.groovy: a global var shadows a plugin step of the same name, and
// the plugin already provides the step mmRollback, which moves the traffic (this pipeline and the
// deploy pipelines call it). So the pipeline takes another name, and the step keeps its own.

/**
 * @param args config (default mm-deploy.yaml) and agent (node label)
 */
void call(Map args = [:]) {
    Map run = mmDeployRun.start([config: args.config, agent: args.agent, kind: 'rollback', gated: true])
    Map request = null
    String what = null
    mmDeployRun.onAgent(run) {
        // The choices come from the config, so the job offers exactly its environments and services. The
        // environment has no default: its first choice is empty and refused, so a run without parameters (Rebuild,
        // a `build job:` that passes none) rolls nothing back.
        Map targets = mmEnvironmentFor(config: run.config)
        List services = ['all'] + targets.services + [targets.gateway]
        properties([parameters([
            choice(name: 'ENVIRONMENT', choices: [''] + targets.environments,
                   description: 'The environment to roll back (no default: pick one).'),
            choice(name: 'SERVICE', choices: services,
                   description: "One service, the gateway (${targets.gateway}), or all of them."),
            string(name: 'TARGET', defaultValue: 'previous', trim: true,
                   description: 'previous (the revision before the live one), a Cloud Run revision name ' +
                                '(with one SERVICE), or a release id (the revisions that release deployed).'),
            booleanParam(name: 'FORCE', defaultValue: false,
                         description: 'Go back past migrations that are not marked compatibleWithPrevious. ' +
                                      'The rollback confirmation is still required.'),
        ])])
        if (params.ENVIRONMENT == null) {
            // The first run of a new job only registers the parameters: Jenkins offers them from now on.
            currentBuild.result = 'NOT_BUILT'
            echo('The rollback parameters are registered. Start the rollback with "Build with Parameters".')
            return
        }
        request = rollbackRequest(targets.environments, services)
        // The approver must see that the schema check is overridden: it is what makes a forced rollback risky.
        what = "${request.service} in ${request.environment} to ${request.to}" +
               (request.force ? ' (FORCE: past migrations not compatible with the previous release)' : '')
        run.environment = request.environment
        run.title = "${request.environment} · rollback of ${request.service} to ${request.to}"
    }
    if (request == null) {
        return
    }
    mmDeployRun.guarded(run) {
        Map confirmation = null
        mmDeployRun.onAgent(run) {
            mmDeployRun.preflight(run)
            confirmation = mmDeployRun.openGate(run, 'rollback', "Roll back ${what}")
        }
        // FORCE overrides only the migrations check in mmRollback; the confirmation stays. It waits outside node and
        // lock: a rollback waiting for its confirmation blocks nobody.
        mmDeployRun.phase(run, 'Confirm rollback') {
            mmDeployRun.gate(run, confirmation)
        }
        Map common = [environment: run.environment, config: run.config]
        mmDeployRun.locked(run) {
            mmDeployRun.onAgent(run) {
                List moved = null
                mmDeployRun.phase(run, 'Rollback') {
                    Map rollback = mmRollback(common + [service: request.service, to: request.to, force: request.force])
                    moved = new ArrayList(rollback.moved.keySet())
                    for (int i = 0; i < moved.size(); i++) {
                        Map move = rollback.moved[moved[i]]
                        echo("${moved[i]}: traffic moved from ${move.from} to ${move.to}")
                    }
                }
                mmDeployRun.phase(run, 'Health') {
                    requireHealthyAfterRollback(run, mmHealthCheck(common + [services: moved]))
                }
                mmDeployRun.recordSuccess(run)
            }
        }
    }
}

/** The job's parameters, checked against the config as it is now (it may have changed since they were registered). */
Map rollbackRequest(List environments, List services) {
    String target = params.TARGET?.trim() ?: 'previous'
    if (!params.ENVIRONMENT) {
        error('ENVIRONMENT is empty: a rollback has no default environment. Start it with "Build with Parameters" ' +
              "and pick one of ${environments.join(', ')}.")
    }
    if (!(params.ENVIRONMENT in environments)) {
        error("ENVIRONMENT '${params.ENVIRONMENT}' is not an environment of the config (${environments.join(', ')}).")
    }
    if (!(params.SERVICE in services)) {
        error("SERVICE '${params.SERVICE}' is not a service of the config (${services.join(', ')}).")
    }
    // A job whose parameters predate FORCE has none: that is false, never a forced rollback.
    return [environment: params.ENVIRONMENT, service: params.SERVICE, to: target, force: params.FORCE == true]
}

/** Nothing is left to roll back to automatically here: an unhealthy service after a rollback needs a person. */
void requireHealthyAfterRollback(Map run, Map health) {
    List failed = mmDeployRun.unhealthy(health)
    if (health.healthy && !failed) {
        return
    }
    List lines = []
    for (int i = 0; i < failed.size(); i++) {
        Map result = health.results[failed[i]]
        lines << "  - ${failed[i]}: status ${result.status} after ${result.attempts} attempts at ${result.url}"
    }
    error("Traffic moved back in ${run.environment}, but the health check still fails:\n${lines.join('\n')}\n" +
          'Roll back further (TARGET: an older release id or revision) or fix forward.')
}
