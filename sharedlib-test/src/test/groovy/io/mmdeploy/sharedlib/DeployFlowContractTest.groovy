package io.mmdeploy.sharedlib

import io.mmdeploy.engine.config.ConfigLoader
import io.mmdeploy.engine.config.DeployConfig
import io.mmdeploy.engine.config.EnvironmentSpec
import io.mmdeploy.engine.flow.DeployFlow
import io.mmdeploy.engine.flow.FlowStep
import io.mmdeploy.engine.port.local.LocalWorkspace
import org.junit.jupiter.params.ParameterizedTest
import org.junit.jupiter.params.provider.ValueSource

/**
 * The engine defines the one deploy flow (DeployFlow) and refuses a phase whose prerequisites did not run in the
 * same run, so a pipeline whose stages drift from it fails in Jenkins, late. Here each environment of the example
 * config is deployed with the step fakes, and its stages must be exactly the flow's titles, each stage calling the
 * step the flow names for it. The expected lists are computed by the engine from the config, not copied.
 */
class DeployFlowContractTest extends PipelineTestSupport {
    private static DeployConfig exampleConfig() {
        new ConfigLoader(new LocalWorkspace(LIBRARY_ROOT.resolve('examples/mindmirror'))).load('mm-deploy.yaml').config()
    }

    /** Deploys the environment as its branch's Jenkinsfile would; returns the engine's flow for it. */
    private DeployFlow deploy(String environment) {
        deploy(environment, false)
    }

    /**
     * @param supplyChain the environment as if it had promoteFrom and a vulnerability gate: mmPreflight reports the
     *     flow's phases, and the pipelines add those stages from them
     */
    private DeployFlow deploy(String environment, boolean supplyChain) {
        DeployConfig config = exampleConfig()
        EnvironmentSpec spec = config.environment(environment)
        DeployFlow flow = supplyChain
                ? DeployFlow.of(spec.approval(), !config.migrations().isEmpty(), config.gatewaySpec().isPresent(), true, true)
                : DeployFlow.of(config, spec)
        fakes.phases = flow.titles()
        // The fakes answer mmPreflight and mmEnvironmentFor with their own copy of the policy: it must be the config's,
        // or the pipeline chosen here would not be the one the config picks.
        List configGates = (spec.approval()?.gates() ?: [])*.id().sort(false)
        assert fakes.environments[environment].approval.gates.sort(false) == configGates:
                "the fakes' ${environment} gates differ from the example config"
        assert fakes.environments[environment].branch == spec.branch()
        binding.getVariable('env').BRANCH_NAME = spec.branch()
        assert runJenkinsfile('Jenkinsfile.example') == null
        flow
    }

    @ParameterizedTest
    @ValueSource(strings = ['staging', 'production'])
    void promotionAndTheVulnerabilityGateAreStagesWhereTheFlowHasThem(String environment) {
        DeployFlow flow = deploy(environment, true)

        assert flow.titles().subList(0, 4) == ['Preflight', 'Promote images', 'Build images', 'Vulnerability scan']
        assert stages == withPlansAgainAfterGates(flow)
        Map<String, String> firstCall = firstCallPerStage()
        assert firstCall['Promote images'] == 'mmPromoteImages'
        assert firstCall['Vulnerability scan'] == 'mmVulnerabilityGate'
    }

    @ParameterizedTest
    @ValueSource(strings = ['staging', 'production'])
    void stagesAreTheEnginesFlowTitlesInOrder(String environment) {
        DeployFlow flow = deploy(environment)

        assert flow.titles().contains('Migrations') && flow.titles().contains('Gateway apply')
        assert stages == withPlansAgainAfterGates(flow)
    }

    @ParameterizedTest
    @ValueSource(strings = ['staging', 'production'])
    void eachStageCallsTheStepItsPhaseNames(String environment) {
        DeployFlow flow = deploy(environment)
        Map<String, String> firstCall = firstCallPerStage()

        for (FlowStep step : flow.steps()) {
            String call = firstCall[step.title()]
            assert call != null: "stage ${step.title()} calls no mm* step"
            if (step.isGate()) {
                assert call.startsWith("mmApprovalGate phase=${step.gate().id()} ")
                assert call.contains(' planHash=sha256:'): "gate ${step.title()} does not name the plan it approves"
                continue
            }
            // Phase.step() reads e.g. "mmApplyTofu(planOnly: true)" or "mmPreflight / mmRelease(phase: 'start')".
            String named = step.phase().step().split(' / ')[0]
            String name = named.takeWhile { it != '(' }
            assert call == name || call.startsWith("${name} "): "stage ${step.title()} calls ${call}, not ${name}"
            argumentKeys(named).each { String key ->
                assert call.contains(" ${key}="): "stage ${step.title()} calls ${call} without ${key}"
            }
        }
    }

    /** The parameter names in a step's description: "mmDeployGateway(approvedPlanHash: …)" → [approvedPlanHash]. */
    private static List<String> argumentKeys(String named) {
        int open = named.indexOf('(')
        open < 0 ? [] : named.substring(open + 1, named.lastIndexOf(')')).split(',')*.trim()*.takeWhile { it != ':' }
    }

    private Map<String, String> firstCallPerStage() {
        Map<String, String> first = [:]
        String current = null
        trail.each { String entry ->
            if (entry.startsWith('stage ')) {
                current = entry.substring('stage '.length())
            } else if (current && entry.startsWith('mm') && !first.containsKey(current)) {
                first[current] = entry
            }
        }
        first
    }

    /**
     * The flow's titles in order, with each gated plan's stage once more right after its gate: after the wait the plan
     * is taken again (the engine keeps it while it stands; a stale one is asked for again).
     */
    private static List<String> withPlansAgainAfterGates(DeployFlow flow) {
        List<String> titles = flow.titles()
        List<String> out = []
        titles.eachWithIndex { String title, int i ->
            out << title
            if (title.startsWith('Approval: ')) {
                out << titles[i - 1]
            }
        }
        out
    }
}
