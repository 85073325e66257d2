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
        assert trail == [
                'checkout', 'mmEnvironmentFor branch=main',
                'checkout',
                'stage Preflight', 'mmPreflight', 'mmRelease phase=start kind=deploy',
                'stage Build images', 'mmBuildImages',
                'stage Gateway build', 'mmDeployGateway buildOnly=true',
                'milestone 10',
                'lock mm-deploy-production inversePrecedence=true {',
                'milestone 20',
                'stage Services plan', 'mmApplyTofu planOnly=true',
                'stage Approval: services', 'milestone 30', 'timeout 45 MINUTES {',
                "mmApprovalGate phase=services summary=${servicesSummary()} planHash=sha256:services-plan-1".toString(), '}',
                'stage Migrations', 'mmRunMigrations',
                'stage Services apply', 'mmApplyTofu approvedPlanHash=sha256:services-plan-1',
                'stage Service URLs secret', 'mmServiceUrls',
                'stage Gateway plan', 'mmDeployGateway planOnly=true',
                'stage Approval: gateway', 'milestone 40', 'timeout 45 MINUTES {',
                "mmApprovalGate phase=gateway summary=${gatewaySummary()} planHash=sha256:gateway-plan-2".toString(), '}',
                'stage Gateway apply', 'mmDeployGateway approvedPlanHash=sha256:gateway-plan-2',
                'stage Health', 'mmHealthCheck',
                'stage Smoke tests', 'mmSmokeTest',
                'stage Release record', 'mmRelease phase=finish result=SUCCEEDED',
                'stage Alias', 'mmMoveAlias',
                '}',
        ]
        assert description == "production · release ${DeployStepFakes.RELEASE}"
        assert log.contains('Approval of services for production: alice at 2026-11-22T04:40:00Z')
        assert log.contains('Moving the alias tag production-latest')
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

        assert tofu*.planOnly == [true, null]
        assert gates*.phase == ['services', 'gateway']
        assert gates[0].summary == tofuAnswers[0].summaryText
        assert gates[0].planHash == tofuAnswers[0].planHash
        assert tofu[1].approvedPlanHash == tofuAnswers[0].planHash
        assert tofuAnswers[1].applied

        assert gateway*.planOnly == [null, true, null]
        assert gates[1].summary == gatewayAnswers[1].summaryText
        assert gates[1].planHash == gatewayAnswers[1].planHash
        assert gateway[2].approvedPlanHash == gatewayAnswers[1].planHash
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
    }

    @Test
    void rejectedGatewayGateLeavesTheGatewayAlone() {
        fakes.rejectedGates = ['gateway'] as Set
        Throwable failure = runJenkinsfile('Jenkinsfile.example')

        assert failure instanceof DeployStepFakes.GateRejected
        assert fakes.callsOf('mmApplyTofu')*.approvedPlanHash == [null, 'sha256:services-plan-1']
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

    private static String servicesSummary() {
        'Plan for production: 0 to add, 7 to change, 0 to destroy (sha256:services-plan-1)'
    }

    private static String gatewaySummary() {
        'Gateway plan for production: 1 to change (sha256:gateway-plan-2)'
    }
}
