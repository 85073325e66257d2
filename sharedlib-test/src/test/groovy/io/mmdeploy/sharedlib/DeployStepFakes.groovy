package io.mmdeploy.sharedlib

/**
 * The plugin's mm* steps as recording fakes: each call is appended to the trail, and each answer is a
 * map shaped as docs/STEPS.md says. What the fakes know about the app mirrors
 * examples/mindmirror/mm-deploy.yaml; a test turns faults on through the public fields.
 */
class DeployStepFakes {
    static final List<String> SERVICES = ['agent', 'journal', 'habits', 'meals', 'movements', 'practices', 'users']
    static final String GATEWAY = 'mesh'
    static final String RELEASE = 'rel-20261122-0412-a1b2c3d'

    /** Per environment: its branch and its approval policy (as mmPreflight reports it). */
    final Map<String, Map> environments = [
            staging   : [branch: 'staging', approval: [gates: [], timeoutMinutes: 60, submitters: [], fourEyes: false]],
            production: [branch: 'main', approval: [gates: ['services', 'gateway'], timeoutMinutes: 45,
                                                    submitters: ['release-managers'], fourEyes: true]],
    ]

    /** Services whose health check fails after the deploy (the gateway's name included). */
    Set<String> unhealthy = [] as Set
    /** Services still unhealthy after mmRollback moved them back. */
    Set<String> unhealthyAfterRollback = [] as Set
    /** Smoke tests (target/name) that fail. */
    Set<String> failingSmokeTests = [] as Set
    /** Gate phases whose approver rejects. */
    Set<String> rejectedGates = [] as Set
    /** Per gate phase, how many of its waits another run deploys the environment in: the plan goes stale each time. */
    Map<String, Integer> staleWhileWaiting = [:]
    /** Steps that throw when called, e.g. mmRunMigrations. */
    Set<String> failingSteps = [] as Set
    /** mmPreflight's violations. */
    List<String> violations = []
    /** mmPreflight's phases: the engine's flow titles for the environment, as a test sets them; empty for none. */
    List<String> phases = []

    /** One line per call: the step and its arguments other than environment and config. */
    final List<String> trail
    /** Every mm* call with all its arguments, in order. */
    final List<Map> calls = []
    private int plans = 0
    /** The last plan-only answer per gate phase: what mmOpenGate opens. */
    private final Map<String, Map> lastPlans = [:]
    private boolean rolledBack = false
    /** Gate phases whose open plan no longer stands: the next plan of the phase is a new one. */
    private final Set<String> stale = [] as Set

    DeployStepFakes(List<String> trail) {
        this.trail = trail
    }

    /** The step names and their fakes, to register with the pipeline test helper; each call keeps its answer. */
    Map<String, Closure> steps() {
        Map<String, Closure> fakes = [
                mmEnvironmentFor: this.&environmentFor,
                mmPreflight     : this.&preflight,
                mmPromoteImages : this.&promoteImages,
                mmBuildImages   : this.&buildImages,
                mmVulnerabilityGate: this.&vulnerabilityGate,
                mmRunMigrations : this.&runMigrations,
                mmApplyTofu     : this.&applyTofu,
                mmServiceUrls   : this.&serviceUrls,
                mmDeployGateway : this.&deployGateway,
                mmHealthCheck   : this.&healthCheck,
                mmOpenGate      : this.&openGate,
                mmSmokeTest     : this.&smokeTest,
                mmApprovalGate  : this.&approvalGate,
                mmRollback      : this.&rollback,
                mmRelease       : this.&release,
                mmMoveAlias     : this.&moveAlias,
        ]
        fakes.collectEntries { String name, Closure fake ->
            [(name): { Map args ->
                Map answer = fake(args)
                calls.last().answer = answer
                answer
            }]
        }
    }

    /** The answers one step gave, in order. */
    List<Map> answersOf(String step) {
        calls.findAll { it.step == step }*.answer
    }

    /** The calls of one step, with all their arguments. */
    List<Map> callsOf(String step) {
        calls.findAll { it.step == step }*.args
    }

    private void record(String step, Map args) {
        calls << [step: step, args: new LinkedHashMap(args)]
        Map shown = args.findAll { k, v -> !(k in ['environment', 'config']) }
        trail << ([step] + shown.collect { k, v -> "${k}=${v}" }).join(' ')
        if (step in failingSteps) {
            throw new IllegalStateException("${step} failed (injected)")
        }
    }

    Map environmentFor(Map args) {
        record('mmEnvironmentFor', args)
        String match = environments.find { name, spec -> spec.branch == args.branch }?.key
        [environment : match,
         gated       : match ? !environments[match].approval.gates.isEmpty() : false,
         known       : environments.collectEntries { name, spec -> [(spec.branch): name] },
         environments: new ArrayList(environments.keySet()),
         services    : SERVICES,
         gateway     : GATEWAY]
    }

    Map preflight(Map args) {
        record('mmPreflight', args)
        if (violations) {
            throw new IllegalStateException("isolation preflight refused: ${violations}")
        }
        [environment: args.environment, violations: [], release: RELEASE,
         approval   : environments[args.environment].approval, alias: "${args.environment}-latest".toString(), phases: phases]
    }

    Map promoteImages(Map args) {
        record('mmPromoteImages', args)
        [images: SERVICES.collectEntries { [(it): image(it, args.environment)] }, built: 0, reused: SERVICES.size()]
    }

    Map vulnerabilityGate(Map args) {
        record('mmVulnerabilityGate', args)
        [images: [:], blocking: 0, summary: "${SERVICES.size()} image(s) scanned, nothing blocking".toString()]
    }

    Map buildImages(Map args) {
        record('mmBuildImages', args)
        Map images = SERVICES.collectEntries { [(it): image(it, args.environment)] }
        [images: images, built: SERVICES.size(), reused: 0]
    }

    Map runMigrations(Map args) {
        record('mmRunMigrations', args)
        [executions: [[job: 'migrate-main', execution: 'migrate-main-x1', result: 'SUCCEEDED', succeededTasks: 1,
                       failedTasks: 0, logUri: 'https://console.cloud.google.com/logs']],
         result    : 'SUCCEEDED']
    }

    Map applyTofu(Map args) {
        record('mmApplyTofu', args)
        boolean planOnly = args.planOnly as boolean
        if (planOnly && standing('services')) {
            return lastPlans.services
        }
        String hash = args.approvedPlanHash ?: "sha256:services-plan-${++plans}".toString()
        remember('services', planOnly, [planHash: hash, summaryText: "Plan for ${args.environment}: 0 to add, ${SERVICES.size()} to change, 0 to destroy (${hash})".toString(),
         counts  : [create: 0, update: SERVICES.size(), replace: 0, delete: 0, noop: 3],
         changed : true, applied: !planOnly, outputs: planOnly ? [:] : [api_url: 'https://agent.example.run.app']])
    }

    /** As the engine: the run's open plan still stands unless the environment changed since (then it plans anew). */
    private boolean standing(String gate) {
        lastPlans[gate] != null && !stale.remove(gate)
    }

    private Map remember(String gate, boolean planOnly, Map answer) {
        if (planOnly) {
            lastPlans[gate] = answer
        }
        answer
    }

    Map serviceUrls(Map args) {
        record('mmServiceUrls', args)
        [urls  : SERVICES.collectEntries { [(it): "https://${it}-3858903851.us-east4.run.app".toString()] },
         secret: "projects/p/secrets/service-urls-${args.environment}/versions/7".toString()]
    }

    Map deployGateway(Map args) {
        record('mmDeployGateway', args)
        Map answer = [image: image(GATEWAY, args.environment), urlsUsed: SERVICES.size()]
        if (args.buildOnly) {
            return answer
        }
        if (args.planOnly && standing('gateway')) {
            return lastPlans.gateway
        }
        String hash = args.approvedPlanHash ?: "sha256:gateway-plan-${++plans}".toString()
        remember('gateway', args.planOnly as boolean,
                answer + [planHash   : hash, summaryText: "Gateway plan for ${args.environment}: 1 to change (${hash})".toString(),
                          applied    : !args.planOnly,
                          health     : args.planOnly ? [:] : health([GATEWAY])])
    }

    Map healthCheck(Map args) {
        record('mmHealthCheck', args)
        health(args.services ?: SERVICES + [GATEWAY])
    }

    /** The gate opened for the run's last plan of the phase (the rollback's confirmation: the summary given). */
    Map openGate(Map args) {
        record('mmOpenGate', args)
        Map plan = args.phase == 'rollback' ? [summaryText: args.summary] : lastPlans[args.phase]
        assert plan != null: "mmOpenGate ${args.phase} before any ${args.phase} plan"
        Map approval = environments[args.environment].approval
        boolean waits = args.phase == 'rollback' ? !approval.gates.isEmpty() : args.phase in approval.gates
        [phase: args.phase, planHash: plan.planHash, summaryText: plan.summaryText, automatic: !waits]
    }

    Map smokeTest(Map args) {
        record('mmSmokeTest', args)
        List results = [[target: GATEWAY, name: 'federates', method: 'POST', path: '/graphql']].collect { Map t ->
            boolean ok = !("${t.target}/${t.name}".toString() in failingSmokeTests)
            t + [passed: ok, status: 200, millis: 40, detail: ok ? '' : '/errors is present: [{"message":"down"}]']
        }
        [passed: results.every { it.passed }, results: results]
    }

    Map approvalGate(Map args) {
        record('mmApprovalGate', args)
        if (args.phase in rejectedGates) {
            throw new GateRejected("${args.phase} rejected by bob")
        }
        int changes = staleWhileWaiting[args.phase] ?: 0
        if (changes > 0) {
            staleWhileWaiting[args.phase] = changes - 1
            stale << args.phase
        }
        Map approval = environments[args.environment].approval
        boolean waits = args.phase == 'rollback' ? !approval.gates.isEmpty() : args.phase in approval.gates
        [approver: waits ? 'alice' : 'auto', approvedAt: '2026-11-22T04:40:00Z', phase: args.phase]
    }

    Map rollback(Map args) {
        record('mmRollback', args)
        rolledBack = true
        List names = args.service == 'all' ? SERVICES + [GATEWAY] : [args.service]
        [moved  : names.collectEntries { [(it): [from: "${it}-00042-new".toString(), to: "${it}-00041-old".toString()]] },
         healthy: !names.any { it in unhealthyAfterRollback }, release: RELEASE]
    }

    Map release(Map args) {
        record('mmRelease', args)
        [release: RELEASE, record: "mm-release/${RELEASE}.json".toString()]
    }

    Map moveAlias(Map args) {
        record('mmMoveAlias', args)
        [alias : "${args.environment}-latest".toString(),
         images: (SERVICES + [GATEWAY]).collectEntries { [(it): image(it, args.environment).ref] }]
    }

    private Map health(List names) {
        Set failing = rolledBack ? unhealthyAfterRollback : unhealthy
        Map results = names.collectEntries { String name ->
            boolean ok = !(name in failing)
            [(name): [healthy: ok, attempts: ok ? 1 : 3, status: ok ? 200 : 503, millis: 120,
                      url: "https://${name}-3858903851.us-east4.run.app/health".toString()]]
        }
        [healthy: results.values().every { it.healthy }, results: results]
    }

    private static Map image(String name, String environment) {
        String repo = "us-east4-docker.pkg.dev/mindmirror-${environment}/mindmirror/${name}"
        String digest = "sha256:${name.padRight(64, '0')}"
        [image: repo, tag: 'main-a1b2c3d', tags: ['main-a1b2c3d'], digest: digest, ref: "${repo}@${digest}".toString(), built: true]
    }

    /** What mmApprovalGate throws when the approver rejects (in Jenkins: a FlowInterruptedException). */
    static class GateRejected extends RuntimeException {
        GateRejected(String message) {
            super(message)
        }
    }
}
