// The frame that the staging, production and rollback pipelines share, kept in one place so none
// repeats it: a node with the app checked out, preflight, the environment lock and milestones, the
// approval gates, the health-or-rollback rule and the release record. Jenkinsfiles call mmDeploy,
// mmStagingPipeline, mmProductionPipeline or mmRollbackPipeline; this var is their building block.
//
// Every method takes the run state map (environment, config, release, approval, alias, phase,
// started, recorded) that checkedOut() creates, because a var keeps no fields between calls.

/**
 * Runs one deploy on a node with the app checked out: see {@link #checkedOut}.
 *
 * @param args as for checkedOut, plus agent (node label, default any)
 */
void call(Map args, Closure phases) {
    // node('') is any agent: the node step treats an empty label as none.
    node(args.agent ?: '') {
        checkout(scm)
        checkedOut(args, phases)
    }
}

/**
 * The Preflight stage, then the pipeline's own phases, in a workspace that holds the app already.
 * When any phase fails, the release is recorded as FAILED with that phase's name before the error
 * goes on.
 *
 * @param args environment; config (default mm-deploy.yaml); kind (deploy or rollback, default deploy);
 *        title (the start of the build description, default the environment); gated (false: refuse an
 *        environment whose policy has approval gates, so that a gate is never skipped just because a
 *        pipeline without gates was called)
 * @param phases the pipeline's phases after Preflight; called with the run state
 */
void checkedOut(Map args, Closure phases) {
    Map run = [environment: args.environment, config: args.config ?: 'mm-deploy.yaml',
               release: null, approval: null, alias: null, phase: null, started: false, recorded: false]
    try {
        phase(run, 'Preflight') {
            Map facts = mmPreflight(environment: run.environment, config: run.config)
            run.release = facts.release
            run.approval = facts.approval
            run.alias = facts.alias
            currentBuild.description = "${args.title ?: run.environment} · release ${run.release}"
            if (!args.gated && facts.approval.gates) {
                error("Environment '${run.environment}' requires approval before " +
                      "${facts.approval.gates.join(' and ')} (${run.config}, environments.${run.environment}.approval" +
                      '.gates), and this pipeline has no gates. ' +
                      'Deploy it with mmProductionPipeline, or let mmDeploy choose.')
            }
            mmRelease(environment: run.environment, config: run.config, phase: 'start', kind: args.kind ?: 'deploy')
            run.started = true
        }
        phases(run)
    } catch (err) {
        recordFailure(run)
        throw err
    }
}

/** A stage that remembers its name, so that a failure inside it is recorded against it. */
void phase(Map run, String name, Closure body) {
    run.phase = name
    stage(name) {
        body()
    }
}

/**
 * Holds lock('mm-deploy-<env>') around everything that reads or changes the environment's state, from
 * the services plan on (a plan taken outside the lock could be stale when applied). The milestones make
 * the newest run win: when it passes one, every older run that has not passed it yet is aborted, and
 * inversePrecedence hands a freed lock to the newest waiting run, so an older run never deploys over
 * a newer one.
 */
void locked(Map run, Closure body) {
    String resource = "mm-deploy-${run.environment}"
    milestone(ordinal: 10, label: "${resource}: waiting for the lock")
    lock(resource: resource, inversePrecedence: true) {
        milestone(ordinal: 20, label: "${resource}: locked")
        body()
    }
}

/**
 * One approval gate: a milestone (an older run still waiting here is aborted once a newer run passes),
 * then mmApprovalGate inside the policy's timeout. The gate step fails the build when the approver
 * rejects or the time runs out, so nothing after it runs.
 *
 * @param gatePhase services, gateway or rollback (see docs/STEPS.md)
 * @param summary what the approver sees: the plan summary
 * @param planHash the hash of the plan the approver sees, so that the approval names that plan and no
 *        other; null for a gate that approves no plan (the rollback's confirmation)
 * @param ordinal the milestone ordinal; increasing along the pipeline
 */
Map gate(Map run, String gatePhase, String summary, String planHash, int ordinal) {
    milestone(ordinal: ordinal, label: "${run.environment}: approval of ${gatePhase}")
    Map request = [environment: run.environment, config: run.config, phase: gatePhase, summary: summary]
    if (planHash) {
        request.planHash = planHash
    }
    Map approval = null
    timeout(time: run.approval.timeoutMinutes, unit: 'MINUTES') {
        approval = mmApprovalGate(request)
    }
    echo("Approval of ${gatePhase} for ${run.environment}: ${approval.approver} at ${approval.approvedAt}")
    return approval
}

/**
 * Traffic has already moved when a health check runs, so a service that fails it is rolled back to
 * its previous revision at once; then the build fails with a summary of what failed and what moved.
 *
 * @param health an mmHealthCheck result, or the health map of mmDeployGateway
 */
void requireHealthy(Map run, Map health) {
    List failed = unhealthy(health)
    if (health.healthy && !failed) {
        return
    }
    List lines = []
    for (int i = 0; i < failed.size(); i++) {
        String name = failed[i]
        Map result = health.results[name]
        Map rollback = mmRollback(environment: run.environment, config: run.config, service: name, to: 'previous')
        Map moved = rollback.moved[name] ?: [:]
        lines << "  - ${name}: unhealthy (status ${result.status} after ${result.attempts} attempts " +
                 "at ${result.url}); " +
                 "traffic moved back from ${moved.from} to ${moved.to}, " +
                 (rollback.healthy ? 'healthy again' : 'STILL UNHEALTHY: check the service now')
    }
    currentBuild.description = "${currentBuild.description} · rolled back: ${failed.join(', ')}"
    error("Health check failed in ${run.environment} after traffic moved " +
          "(release ${run.release}, phase ${run.phase}).\n" +
          (failed ? "Rolled back to the previous revision:\n${lines.join('\n')}" :
                    'No single service reported unhealthy; nothing was rolled back. See the health check log.'))
}

/**
 * A smoke test checks the app as a whole (the gateway's federates every service), so a failure moves everything
 * this run changed back to the release live before it; then the build fails naming each failed test.
 *
 * @param smoke an mmSmokeTest result
 */
void requireSmokePassed(Map run, Map smoke) {
    if (smoke.passed) {
        return
    }
    List lines = []
    for (int i = 0; i < smoke.results.size(); i++) {
        Map result = smoke.results[i]
        if (!result.passed) {
            lines << "  - ${result.target} ${result.name} (${result.method} ${result.path}): ${result.detail}"
        }
    }
    Map rollback = mmRollback(environment: run.environment, config: run.config, service: 'all', to: 'previous')
    List moved = new ArrayList(rollback.moved.keySet())
    currentBuild.description = "${currentBuild.description} · smoke tests failed, rolled back: ${moved.join(', ')}"
    error("Smoke tests failed in ${run.environment} after traffic moved (release ${run.release}).\n" +
          "${lines.join('\n')}\n" +
          (moved ? "Moved back to what was live before this run: ${moved.join(', ')}" +
                   (rollback.healthy ? '' : ' (STILL UNHEALTHY: check the services now)') :
                   'Nothing this run changed was live; nothing was moved.'))
}

/** The names whose health check failed, in the order of the results. */
List unhealthy(Map health) {
    // Index loops over list copies: a map's iterator cannot be saved with the program state (CPS).
    List names = new ArrayList(health.results.keySet())
    List failed = []
    for (int i = 0; i < names.size(); i++) {
        if (!health.results[names[i]].healthy) {
            failed << names[i]
        }
    }
    return failed
}

/** The release record of a run that succeeded. */
void recordSuccess(Map run) {
    phase(run, 'Release record') {
        Map record = mmRelease(environment: run.environment, config: run.config, phase: 'finish', result: 'SUCCEEDED')
        run.recorded = true
        archiveRecord(record)
        echo("Release ${record.release} recorded in ${record.record}")
    }
}

/**
 * The alias tag (e.g. staging-latest) moved to the images of the release just recorded. The stage is
 * "Alias", the flow's title, so the stage list is the same in every environment; the log names the tag.
 */
void moveAlias(Map run) {
    phase(run, 'Alias') {
        echo("Moving the alias tag ${run.alias}")
        Map alias = mmMoveAlias(environment: run.environment, config: run.config)
        echo("${alias.alias} now names the images of release ${run.release}: ${alias.images.keySet().join(', ')}")
    }
}

/** Records the release as FAILED in the phase that failed, unless it was never started or is recorded already. */
void recordFailure(Map run) {
    if (run.started && !run.recorded) {
        run.recorded = true
        try {
            Map record = mmRelease(environment: run.environment, config: run.config, phase: 'finish', result: 'FAILED',
                                   failedPhase: run.phase)
            archiveRecord(record)
        } catch (recordError) {
            // The deploy's own failure is the one to report; a missing record must not replace it.
            echo("Could not record the failed release ${run.release}: ${recordError.message}")
        }
    }
}

/** Keeps the release record (mm-release.json, written by mmRelease finish) with the build. */
void archiveRecord(Map record) {
    archiveArtifacts(artifacts: record.record, fingerprint: true)
}
