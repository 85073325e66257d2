package io.mmdeploy.sharedlib

import org.junit.jupiter.api.BeforeEach
import org.junit.jupiter.api.Test

class ProductionPipelineTest extends PipelineTestSupport {

    @BeforeEach
    void onMainBranch() {
        binding.getVariable('env').BRANCH_NAME = 'main'
    }

    @Test
    void runsTheFlowWithEachGateRightAfterThePlanItApproves() {
        assert runJenkinsfile('Jenkinsfile.example') == null
        String back = "node ${AGENT} {"
        String workspace = "ws ${WORKSPACE} {"
        assert trail == [
                'node  {', 'checkout', 'mmEnvironmentFor branch=main', '}',
                'node  {', 'checkout',
                'stage Preflight', 'mmPreflight', 'mmRelease phase=start kind=deploy',
                // The images and the gateway's build at once, as the engine's flow has them.
                'parallel failFast=true {',
                'branch Images {', 'stage Build images', 'mmBuildImages', '}',
                'branch Gateway build {', 'stage Gateway build', 'mmDeployGateway buildOnly=true', '}',
                '}',
                '}',
                'milestone 10', 'lock mm-deploy-production inversePrecedence=true {', 'milestone 20', back, workspace,
                'stage Services plan', 'mmApplyTofu planOnly=true', 'mmOpenGate phase=services',
                '}', '}', '}',
                'stage Approval: services', 'milestone 30', 'mmApprovalGate phase=services planHash=sha256:services-plan-1',
                'milestone 40', 'lock mm-deploy-production inversePrecedence=true {', 'milestone 50', back, workspace,
                // The plan again after the wait: it still stands, so what was approved is what runs.
                'stage Services plan', 'mmApplyTofu planOnly=true',
                'stage Migrations', 'mmRunMigrations',
                'stage Services apply', 'mmApplyTofu approvedPlanHash=sha256:services-plan-1',
                'stage Service URLs secret', 'mmServiceUrls',
                '}', '}', '}',
                'milestone 60', 'lock mm-deploy-production inversePrecedence=true {', 'milestone 70', back, workspace,
                'stage Gateway plan', 'mmDeployGateway planOnly=true', 'mmOpenGate phase=gateway',
                '}', '}', '}',
                'stage Approval: gateway', 'milestone 80', 'mmApprovalGate phase=gateway planHash=sha256:gateway-plan-2',
                'milestone 90', 'lock mm-deploy-production inversePrecedence=true {', 'milestone 100', back, workspace,
                'stage Gateway plan', 'mmDeployGateway planOnly=true',
                'stage Gateway apply', 'mmDeployGateway approvedPlanHash=sha256:gateway-plan-2',
                'stage Health', 'mmHealthCheck',
                'stage Smoke tests', 'mmSmokeTest',
                'stage Release record', 'mmRelease phase=finish result=SUCCEEDED',
                'stage Alias', 'mmMoveAlias',
                '}', '}', '}',
        ]
        assert description == "production · release ${DeployStepFakes.RELEASE}"
        assert log.contains('Approval of services for production: alice at 2026-11-22T04:40:00Z')
        assert log.contains('Moving the alias tag production-latest')
    }

    @Test
    void gatesWaitOutsideNodeAndLockSoAnEmergencyRollbackIsNeverBlocked() {
        assert runJenkinsfile('Jenkinsfile.example') == null

        assert openBlocksAt('mmApprovalGate') == [[], []]
        // What a gate stands between runs on the node and under the lock: the plan before it, the apply after it.
        assert openBlocksAt('mmApplyTofu').every { it.any { it.startsWith('lock ') } && it.any { it.startsWith('node ') } }
        assert openBlocksAt('mmOpenGate').every { it.any { it.startsWith('lock ') } }
        // Back to the run's agent and workspace (its journal and saved plans), with no second checkout.
        assert trail.count('checkout') == 2
        assert trail.findAll { it.startsWith('ws ') }.unique() == ["ws ${WORKSPACE} {".toString()]
        assert trail.findAll { it.startsWith('node ') }.unique() == ['node  {', "node ${AGENT} {".toString()]
        // One timeout, the policy's, in the gate itself: no pipeline timeout around it.
        assert !trail.any { it.startsWith('timeout') }
    }

    @Test
    void theGateIsAskedForThePlanJustMade() {
        assert runJenkinsfile('Jenkinsfile.example') == null
        List<Map> opened = fakes.answersOf('mmOpenGate')
        List<Map> gates = fakes.callsOf('mmApprovalGate')

        assert fakes.callsOf('mmOpenGate')*.phase == ['services', 'gateway']
        assert gates*.planHash == opened*.planHash
        assert gates*.planHash == [fakes.answersOf('mmApplyTofu')[0].planHash, fakes.answersOf('mmDeployGateway')[1].planHash]
        assert fakes.callsOf('mmOpenGate').every { it.config == 'mm-deploy.yaml' && !it.containsKey('summary') }
    }

    @Test
    void migrationsRunOnlyAfterTheServicesGateAndBeforeTheApply() {
        assert runJenkinsfile('Jenkinsfile.example') == null
        List<Map> calls = fakes.calls
        int gate = calls.findIndexOf { it.step == 'mmApprovalGate' && it.args.phase == 'services' }
        int migrations = calls.findIndexOf { it.step == 'mmRunMigrations' }
        int apply = calls.findIndexOf { it.step == 'mmApplyTofu' && it.args.approvedPlanHash }

        assert gate >= 0 && migrations >= 0 && apply >= 0
        assert gate < migrations
        assert migrations < apply
    }

    @Test
    void appliesExactlyThePlansTheApproverSaw() {
        runJenkinsfile('Jenkinsfile.example')
        List<Map> tofu = fakes.callsOf('mmApplyTofu')
        List<Map> tofuAnswers = fakes.answersOf('mmApplyTofu')
        List<Map> gates = fakes.callsOf('mmApprovalGate')
        List<Map> gateway = fakes.callsOf('mmDeployGateway')
        List<Map> gatewayAnswers = fakes.answersOf('mmDeployGateway')

        assert tofu*.planOnly == [true, true, null]
        assert gates*.phase == ['services', 'gateway']
        assert gates[0].planHash == tofuAnswers[0].planHash
        assert tofuAnswers[1].planHash == tofuAnswers[0].planHash
        assert tofu[2].approvedPlanHash == tofuAnswers[0].planHash
        assert tofuAnswers[2].applied

        assert gateway*.planOnly == [null, true, true, null]
        assert gates[1].planHash == gatewayAnswers[1].planHash
        assert gateway[3].approvedPlanHash == gatewayAnswers[1].planHash
        assert gatewayAnswers[1].planHash != tofuAnswers[0].planHash
    }

    @Test
    void rejectedServicesGateAppliesNothingAndLeavesTheSchemaAlone() {
        fakes.rejectedGates = ['services'] as Set
        Throwable failure = runJenkinsfile('Jenkinsfile.example')

        assert failure instanceof DeployStepFakes.GateRejected
        assert fakes.callsOf('mmApplyTofu') == [[environment: 'production', config: 'mm-deploy.yaml', planOnly: true]]
        assert fakes.callsOf('mmRunMigrations').isEmpty()
        // Only the gateway's image was built (beside the services'): nothing of it was planned or applied.
        assert fakes.callsOf('mmDeployGateway')*.buildOnly == [true]
        assert fakes.callsOf('mmServiceUrls').isEmpty()
        assert fakes.callsOf('mmRelease')*.result == [null, 'FAILED']
        assert fakes.callsOf('mmRelease')[1].failedPhase == 'Approval: services'
        // The gate failed outside node: the FAILED record is written back in the run's workspace.
        assert openBlocksAt('mmRelease phase=finish') == [["node ${AGENT} {".toString(), "ws ${WORKSPACE} {".toString()]]
    }

    @Test
    void rejectedGatewayGateLeavesTheGatewayAlone() {
        fakes.rejectedGates = ['gateway'] as Set
        Throwable failure = runJenkinsfile('Jenkinsfile.example')

        assert failure instanceof DeployStepFakes.GateRejected
        assert fakes.callsOf('mmApplyTofu')*.approvedPlanHash == [null, null, 'sha256:services-plan-1']
        assert fakes.callsOf('mmDeployGateway').every { it.buildOnly || it.planOnly }
        assert fakes.callsOf('mmHealthCheck').isEmpty()
        assert fakes.callsOf('mmMoveAlias').isEmpty()
        assert fakes.callsOf('mmRelease')[1].failedPhase == 'Approval: gateway'
    }

    @Test
    void failedHealthAfterTrafficMovedRollsBackTheFailedServices() {
        fakes.unhealthy = ['agent'] as Set
        Throwable failure = runJenkinsfile('Jenkinsfile.example')

        assert failure instanceof PipelineError
        assert fakes.callsOf('mmRollback') == [[environment: 'production', config: 'mm-deploy.yaml', service: 'agent', to: 'previous']]
        assert failure.message.contains('Health check failed in production after traffic moved')
        assert failure.message.contains('agent: unhealthy')
        assert fakes.callsOf('mmRelease')[1].failedPhase == 'Health'
        assert description == "production · release ${DeployStepFakes.RELEASE} · rolled back: agent"
    }

    @Test
    void aPlanThatWentStaleWhileItsGateWaitedIsShownAndAskedForAgain() {
        fakes.staleWhileWaiting = [services: 1]
        assert runJenkinsfile('Jenkinsfile.example') == null

        List<Map> gates = fakes.callsOf('mmApprovalGate')
        List<Map> plans = fakes.answersOf('mmApplyTofu').findAll { !it.applied }
        assert gates*.phase == ['services', 'services', 'gateway']
        assert plans*.planHash.unique().size() == 2
        assert gates[0].planHash == plans[0].planHash
        assert gates[1].planHash == plans[1].planHash
        // Only the plan approved after the change runs; the migrations wait for it too.
        assert fakes.callsOf('mmApplyTofu').findAll { it.approvedPlanHash }*.approvedPlanHash == [plans[1].planHash]
        int lastServicesGate = fakes.calls.findLastIndexOf { it.step == 'mmApprovalGate' && it.args.phase == 'services' }
        assert lastServicesGate < fakes.calls.findIndexOf { it.step == 'mmRunMigrations' }
        assert log.any { it.startsWith("The approved services plan ${plans[0].planHash} is stale") }
    }

    @Test
    void aPlanThatKeepsGoingStaleStopsTheBuildWithNothingApplied() {
        fakes.staleWhileWaiting = [services: 3]
        Throwable failure = runJenkinsfile('Jenkinsfile.example')

        assert failure instanceof PipelineError
        assert failure.message.contains('went stale 3 times while its gate waited')
        assert fakes.callsOf('mmApprovalGate').size() == 3
        assert !fakes.callsOf('mmApplyTofu').any { it.approvedPlanHash }
        assert fakes.callsOf('mmRunMigrations').isEmpty()
        assert fakes.callsOf('mmRelease')*.result == [null, 'FAILED']
    }
    @Test
    void aFailedBuildIsRecordedAgainstItsOwnStageThoughTheOtherBranchStartedLater() {
        fakes.failingSteps = ['mmBuildImages'] as Set
        Throwable failure = runJenkinsfile('Jenkinsfile.example')

        assert failure != null
        assert fakes.callsOf('mmRelease')*.result == [null, 'FAILED']
        assert fakes.callsOf('mmRelease')[1].failedPhase == 'Build images'
        assert fakes.callsOf('mmApplyTofu').isEmpty()
    }
}
