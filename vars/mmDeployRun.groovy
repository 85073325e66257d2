// The frame that the staging, production and rollback pipelines share, kept in one place so none
// repeats it: the run's agent and workspace, preflight, the environment lock and milestones, the approval
// gates, the health-or-rollback rule and the release record. Jenkinsfiles call mmDeploy, mmStagingPipeline,
// mmProductionPipeline or mmRollbackPipeline; this var is their building block.
//
// A gate waits outside node and outside the environment's lock: a deploy waiting for a person holds no
// executor and blocks no emergency rollback. So a run enters its node more than once (onAgent); every time
// after the first it goes back to the same agent and workspace, where the engine keeps the run's journal and
// saved plans. The engine gives the environment's lease back when a gate opens and checks after the wait that
// the approved plan is still this run's and not stale, so whatever ran in between is never overwritten.
//
// Every method takes the run state map (environment, config, agent, node, workspace, release, approval,
// alias, phase, started, recorded, milestone) that start() creates, because a var keeps no fields between
// calls.

/**
 * Runs one deploy: {@code phases} is called with the run state, outside any node; it enters the agent with
 * {@link #onAgent} (the first time: Preflight) and the lock with {@link #locked}. When any phase fails, the
 * release is recorded as FAILED with that phase's name before the error goes on.
 *
 * @param args as for start
 */
void call(Map args, Closure phases) {
    Map run = start(args)
    guarded(run) {
        phases(run)
    }
}

/**
 * The run state of a new run.
 *
 * @param args environment; config (default mm-deploy.yaml); agent (node label, default any); kind (deploy or
 *        rollback, default deploy); title (the start of the build description, default the environment); gated
 *        (false: refuse an environment whose policy has approval gates, so that a gate is never skipped just
 *        because a pipeline without gates was called)
 */
Map start(Map args) {
    return [environment: args.environment, config: args.config ?: 'mm-deploy.yaml', agent: args.agent ?: '',
            kind: args.kind ?: 'deploy', title: args.title, gated: args.gated == true,
            node: null, workspace: null, release: null, approval: null, alias: null, phases: [], phase: null,
            started: false, recorded: false, milestone: 0, failedPhase: null]
}

/** Runs {@code body}; when it fails, the release is recorded as FAILED in the failed phase, and the error goes on. */
void guarded(Map run, Closure body) {
    try {
        body()
    } catch (err) {
        recordFailure(run)
        throw err
    }
}

/**
 * Runs {@code body} on the run's agent, in its workspace. The first call takes an agent of the run's label
 * (node('') is any agent) and checks the app out; every later call goes back to that agent and that workspace
 * without a new checkout, because the engine's journal and saved plans of this run are there.
 */
void onAgent(Map run, Closure body) {
    if (run.node == null) {
        node(run.agent) {
            checkout(scm)
            run.node = env.NODE_NAME
            run.workspace = pwd()
            body()
        }
        return
    }
    node(run.node) {
        ws(run.workspace) {
            body()
        }
    }
}

/**
 * The Preflight stage, on the run's agent: the isolation preflight, the release id, the approval policy and the
 * release record started.
 */
void preflight(Map run) {
    phase(run, 'Preflight') {
        Map facts = mmPreflight(environment: run.environment, config: run.config)
        run.release = facts.release
        run.approval = facts.approval
        run.alias = facts.alias
        run.phases = facts.phases ?: []
        currentBuild.description = "${run.title ?: run.environment} · release ${run.release}"
        if (!run.gated && facts.approval.gates) {
            error("Environment '${run.environment}' requires approval before " +
                  "${facts.approval.gates.join(' and ')} (${run.config}, environments.${run.environment}.approval" +
                  '.gates), and this pipeline has no gates. ' +
                  'Deploy it with mmProductionPipeline, or let mmDeploy choose.')
        }
        mmRelease(environment: run.environment, config: run.config, phase: 'start', kind: run.kind)
        run.started = true
    }
}

/**
 * A stage that remembers its name, so that a failure inside it is recorded against it. The first stage to fail is the
 * one recorded: with parallel branches another may have started since.
 */
void phase(Map run, String name, Closure body) {
    run.phase = name
    stage(name) {
        try {
            body()
        } catch (err) {
            run.failedPhase = run.failedPhase ?: name
            throw err
        }
    }
}

/**
 * Where nobody approves the services' plan, the plan and the migrations at once, as the engine's flow has them (the
 * apply waits for both). Two branches on the run's agent, each its own stage. Not failFast: a migration that runs
 * is let finish and be recorded, whatever the plan does. Returns the plan.
 */
Map planBesideMigrations(Map run) {
    Map common = [environment: run.environment, config: run.config]
    Map servicesPlan = null
    parallel(
            'Services plan': {
                phase(run, 'Services plan') {
                    servicesPlan = mmApplyTofu(common + [planOnly: true])
                    echo(servicesPlan.summaryText)
                }
            },
            'Migrations': {
                migrate(run)
            })
    return servicesPlan
}

/** The Migrations stage. */
void migrate(Map run) {
    phase(run, 'Migrations') {
        mmRunMigrations([environment: run.environment, config: run.config])
    }
}

/**
 * The services' apply of exactly the plan shown (and, where gated, approved), then their URLs, once the migrations
 * ran: one order for every pipeline, the engine's. In a gated environment the migrations and this run only after the
 * services' gate (a rejected plan leaves the schema as it was).
 */
void applyServices(Map run, Map servicesPlan) {
    Map common = [environment: run.environment, config: run.config]
    phase(run, 'Services apply') {
        // The plan just shown, not a new one: what is applied is what the log (and the approver) saw.
        mmApplyTofu(common + [approvedPlanHash: servicesPlan.planHash])
    }
    phase(run, 'Service URLs secret') {
        Map urls = mmServiceUrls(common)
        echo("Service URLs saved as ${urls.secret}")
    }
}

/**
 * The images and the gateway's build side by side, as the engine's flow runs them: the gateway is built with the URLs
 * the services are expected to have (its plan rebuilds it only if the published ones differ). Two branches on the
 * run's agent, in its workspace, each with its own stages; the plugin keeps their journal writes apart. The first
 * failure stops the other branch.
 */
void imagesAndGateway(Map run) {
    Map common = [environment: run.environment, config: run.config]
    parallel(
            'Images': {
                images(run)
            },
            'Gateway build': {
                phase(run, 'Gateway build') {
                    mmDeployGateway(common + [buildOnly: true])
                }
            },
            failFast: true)
}

/**
 * The end of every deploy, once the gateway's plan is the one to apply (and, where gated, approved): the gateway's
 * apply of exactly that plan with its health check, the health of everything, the smoke tests, then the release
 * record and the alias tag. Any failure after traffic moved is handled by requireHealthy / requireSmokePassed.
 */
void gatewayAndChecks(Map run, Map gatewayPlan) {
    Map common = [environment: run.environment, config: run.config]
    phase(run, 'Gateway apply') {
        Map gateway = mmDeployGateway(common + [approvedPlanHash: gatewayPlan.planHash])
        requireHealthy(run, gateway.health)
    }
    phase(run, 'Health') {
        requireHealthy(run, mmHealthCheck(common))
    }
    phase(run, 'Smoke tests') {
        requireSmokePassed(run, mmSmokeTest(common))
    }
    recordSuccess(run)
    moveAlias(run)
}

/**
 * The images of the run, as the engine's flow has them for the environment (mmPreflight's phases): Promote images
 * where the environment has promoteFrom (staging's digests copied; else built), Build images, and the Vulnerability
 * scan where it has a gate, which fails the build before anything in the environment changes.
 */
void images(Map run) {
    Map common = [environment: run.environment, config: run.config]
    if (run.phases.contains('Promote images')) {
        phase(run, 'Promote images') {
            Map promoted = mmPromoteImages(common)
            String names = promoted.images ? promoted.images.keySet().join(', ') : ''
            echo(names ? "Promoted by digest: ${names}" : 'Nothing to promote: building')
        }
    }
    phase(run, 'Build images') {
        Map images = mmBuildImages(common)
        echo("Images: ${images.built} built, ${images.reused} reused")
    }
    if (run.phases.contains('Vulnerability scan')) {
        phase(run, 'Vulnerability scan') {
            echo(mmVulnerabilityGate(common).summary)
        }
    }
}

/**
 * Holds lock('mm-deploy-<env>') around a part of the run that reads or changes the environment's state (a
 * plan taken outside the lock could be stale when applied). Taken outside node, so a run waiting for the lock
 * holds no executor. The milestones make the newest run win: when it passes one, every older run that has not
 * passed it yet is aborted, and inversePrecedence hands a freed lock to the newest waiting run, so an older run
 * never deploys over a newer one.
 */
void locked(Map run, Closure body) {
    String resource = "mm-deploy-${run.environment}"
    milestone(ordinal: nextMilestone(run), label: "${resource}: waiting for the lock")
    lock(resource: resource, inversePrecedence: true) {
        milestone(ordinal: nextMilestone(run), label: "${resource}: locked")
        body()
    }
}

/**
 * Opens the gate before {@code gatePhase} on the run's agent (call it inside onAgent, right after the plan it
 * approves): the engine reads the policy and the run's open plan, gives the environment's lease back, and the
 * plugin keeps what the approver will see on the build. Returns the open gate (phase, planHash, summaryText,
 * automatic) for {@link #gate}.
 *
 * @param summary what the approver is asked, for a gate without a plan (the rollback's confirmation)
 */
Map openGate(Map run, String gatePhase, String summary = null) {
    Map request = [environment: run.environment, config: run.config, phase: gatePhase]
    if (summary) {
        request.summary = summary
    }
    return mmOpenGate(request)
}

/**
 * One approval gate, outside node and lock: a milestone (an older run still waiting here is aborted once a
 * newer run passes), then mmApprovalGate, which waits for an approver on the build's own gate page as long as
 * the policy says (the one timeout) and fails the build when the approver rejects or the time runs out, so
 * nothing after it runs.
 *
 * @param opened what openGate returned
 */
Map gate(Map run, Map opened) {
    milestone(ordinal: nextMilestone(run), label: "${run.environment}: approval of ${opened.phase}")
    Map request = [environment: run.environment, phase: opened.phase]
    if (opened.planHash) {
        request.planHash = opened.planHash
    }
    Map approval = mmApprovalGate(request)
    echo("Approval of ${opened.phase} for ${run.environment}: ${approval.approver} at ${approval.approvedAt}")
    return approval
}

/**
 * A gated phase from its plan to what runs once the plan is approved. Under the lock and on the agent: the plan
 * ({@code plan} returns mmApplyTofu's or mmDeployGateway's planOnly map) and its gate opened; outside both: the wait
 * for a person; under the lock again: the plan once more before anything runs. The engine keeps the run's plan while
 * it still stands (same images, same live release), so the same hash comes back and {@code approved} runs with that
 * plan, under the same lock. A new hash means another run changed the environment while the gate waited: the
 * approved plan is stale, so the new one is shown and asked for again (three times at most). The engine
 * refuses a stale or unapproved apply on its own; this loop is what makes the build ask again instead of failing.
 *
 * @param gatePhase services or gateway
 */
void approvedPlan(Map run, String gatePhase, Closure plan, Closure approved) {
    String title = gatePhase == 'services' ? 'Services plan' : 'Gateway plan'
    Map planned = null
    Map opened = null
    locked(run) {
        onAgent(run) {
            phase(run, title) {
                planned = plan()
                opened = openGate(run, gatePhase)
            }
        }
    }
    int maxAsks = 3 // a plan that keeps going stale means other runs keep deploying: better to stop than to loop
    int asked = 0
    while (true) {
        asked++
        phase(run, "Approval: ${gatePhase}") {
            gate(run, opened)
        }
        boolean fresh = false
        locked(run) {
            onAgent(run) {
                phase(run, title) {
                    Map again = plan()
                    fresh = again.planHash == planned.planHash
                    if (!fresh) {
                        if (asked >= maxAsks) {
                            error("The ${gatePhase} plan of ${run.environment} went stale ${asked} times " +
                                  'while its gate waited (other runs keep changing the environment). Nothing ' +
                                  'was applied; run the deploy again when the environment is quiet.')
                        }
                        echo("The approved ${gatePhase} plan ${planned.planHash} is stale: " +
                             "${run.environment} changed while its gate waited. " +
                             "Planned again (${again.planHash}); asking again.")
                        planned = again
                        opened = openGate(run, gatePhase)
                    }
                }
                if (fresh) {
                    approved(planned)
                }
            }
        }
        if (fresh) {
            return
        }
    }
}

/** Milestone ordinals increase along the run: 10, 20, ... */
int nextMilestone(Map run) {
    run.milestone = run.milestone + 10
    return run.milestone
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
            // The failure may have come outside node (a rejected gate): the record is written on the run's agent.
            onAgent(run) {
                Map record = mmRelease(environment: run.environment, config: run.config, phase: 'finish',
                                       result: 'FAILED', failedPhase: run.failedPhase ?: run.phase)
                archiveRecord(record)
            }
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
