package io.mmdeploy.sharedlib

import org.junit.jupiter.api.BeforeEach
import org.junit.jupiter.api.Test

class StagingPipelineTest extends PipelineTestSupport {
    @BeforeEach
    void onStagingBranch() {
        binding.getVariable('env').BRANCH_NAME = 'staging'
    }

    @Test
    void runsTheFlowsPhasesInOrderWithoutAnyGate() {
        assert runJenkinsfile('Jenkinsfile.example') == null
        assert trail == [
                'node  {', 'checkout', 'mmEnvironmentFor branch=staging', '}',
                'node  {', 'checkout',
                'stage Preflight', 'mmPreflight', 'mmRelease phase=start kind=deploy',
                // The images and the gateway's build at once, as the engine's flow has them.
                'parallel failFast=true {',
                'branch Images {', 'stage Build images', 'mmBuildImages', '}',
                'branch Gateway build {', 'stage Gateway build', 'mmDeployGateway buildOnly=true', '}',
                '}',
                '}',
                'milestone 10',
                'lock mm-deploy-staging inversePrecedence=true {',
                'milestone 20',
                "node ${AGENT} {".toString(), "ws ${WORKSPACE} {".toString(),
                // Nobody approves staging's plan: the migrations run beside it, and the apply waits for both.
                'parallel failFast=false {',
                'branch Services plan {', 'stage Services plan', 'mmApplyTofu planOnly=true', '}',
                'branch Migrations {', 'stage Migrations', 'mmRunMigrations', '}',
                '}',
                'stage Services apply', 'mmApplyTofu approvedPlanHash=sha256:services-plan-1',
                'stage Service URLs secret', 'mmServiceUrls',
                'stage Gateway plan', 'mmDeployGateway planOnly=true',
                'stage Gateway apply', 'mmDeployGateway approvedPlanHash=sha256:gateway-plan-2',
                'stage Health', 'mmHealthCheck',
                'stage Smoke tests', 'mmSmokeTest',
                'stage Release record', 'mmRelease phase=finish result=SUCCEEDED',
                'stage Alias', 'mmMoveAlias',
                '}', '}', '}',
        ]
        assert description == "staging · release ${DeployStepFakes.RELEASE}"
        assert archived == ["mm-release/${DeployStepFakes.RELEASE}.json".toString()]
    }

    @Test
    void migrationsRunBesideTheServicesPlanAndBeforeItsApply() {
        assert runJenkinsfile('Jenkinsfile.example') == null
        List<String> steps = fakes.calls*.step
        int migrations = steps.indexOf('mmRunMigrations')
        List<Map> tofu = fakes.callsOf('mmApplyTofu')

        assert tofu*.planOnly == [true, null]
        // The second mmApplyTofu is the apply: it waits for the migrations.
        assert steps.lastIndexOf('mmApplyTofu') > migrations
        assert trail.indexOf('branch Migrations {') > trail.indexOf('parallel failFast=false {')
    }

    @Test
    void aFailedPlanLetsTheMigrationsBesideItFinishAndAppliesNothing() {
        fakes.failingSteps = ['mmApplyTofu'] as Set
        Throwable failure = runJenkinsfile('Jenkinsfile.example')

        assert failure.message == 'mmApplyTofu failed (injected)'
        assert fakes.callsOf('mmRunMigrations').size() == 1
        assert fakes.callsOf('mmApplyTofu')*.planOnly == [true]
        assert trail.contains('mmRelease phase=finish result=FAILED failedPhase=Services plan')
    }

    @Test
    void appliesThePlansItShowed() {
        assert runJenkinsfile('Jenkinsfile.example') == null
        List<Map> tofuAnswers = fakes.answersOf('mmApplyTofu')
        List<Map> gateway = fakes.callsOf('mmDeployGateway')
        List<Map> gatewayAnswers = fakes.answersOf('mmDeployGateway')

        assert fakes.callsOf('mmApplyTofu')[1].approvedPlanHash == tofuAnswers[0].planHash
        assert log.contains(tofuAnswers[0].summaryText)
        assert gateway*.planOnly == [null, true, null]
        assert gateway[2].approvedPlanHash == gatewayAnswers[1].planHash
        assert log.contains(gatewayAnswers[1].summaryText)
    }

    @Test
    void theAliasStageIsNamedAliasAndTheLogNamesTheTag() {
        assert runJenkinsfile('Jenkinsfile.example') == null
        assert stages.last() == 'Alias'
        assert log.contains('Moving the alias tag staging-latest')
        assert log.any { it.startsWith("staging-latest now names the images of release ${DeployStepFakes.RELEASE}") }
    }

    @Test
    void everyStepTargetsStagingWithTheConfigFile() {
        runJenkinsfile('Jenkinsfile.example')
        assert fakes.calls.size() == 15
        fakes.calls.findAll { it.step != 'mmEnvironmentFor' }.each { assert it.args.environment == 'staging': it }
        fakes.calls.each { assert it.args.config == 'mm-deploy.yaml': it }
    }

    @Test
    void configFileNameIsPassedToEveryStep() {
        assert runJenkinsfile('Jenkinsfile.staging-other-config') == null
        assert fakes.calls*.args*.config.unique() == ['deploy/mm.yaml']
    }

    @Test
    void unhealthyServicesAreRolledBackAndTheBuildFailsWithSummary() {
        fakes.unhealthy = ['journal', 'meals'] as Set
        Throwable failure = runJenkinsfile('Jenkinsfile.example')

        assert failure instanceof PipelineError
        assert trailFrom('stage Health') == [
                'stage Health', 'mmHealthCheck',
                'mmRollback service=journal to=previous',
                'mmRollback service=meals to=previous',
                '}', '}', '}',
                // Recorded after the failure left node and lock: back in the run's workspace.
                "node ${AGENT} {".toString(), "ws ${WORKSPACE} {".toString(),
                'mmRelease phase=finish result=FAILED failedPhase=Health', '}', '}',
        ]
        assert failure.message.contains('Health check failed in staging after traffic moved')
        assert failure.message.contains('journal: unhealthy (status 503 after 3 attempts')
        assert failure.message.contains('traffic moved back from meals-00042-new to meals-00041-old, healthy again')
        assert !failure.message.contains('agent')
        assert description.endsWith('rolled back: journal, meals')
        assert !trail.contains('mmMoveAlias')
        assert archived == ["mm-release/${DeployStepFakes.RELEASE}.json".toString()]
    }

    @Test
    void summarySaysWhenRollbackDidNotHelp() {
        fakes.unhealthy = ['users'] as Set
        fakes.unhealthyAfterRollback = ['users'] as Set
        Throwable failure = runJenkinsfile('Jenkinsfile.example')
        assert failure.message.contains('users-00041-old, STILL UNHEALTHY')
    }

    @Test
    void aFailedSmokeTestMovesEverythingBackAndTheBuildFailsNamingIt() {
        fakes.failingSmokeTests = ['mesh/federates'] as Set
        Throwable failure = runJenkinsfile('Jenkinsfile.example')

        assert failure instanceof PipelineError
        // The failure is recorded back in the run's own workspace, after the lock and the node were left.
        assert trailFrom('stage Smoke tests') == [
                'stage Smoke tests', 'mmSmokeTest',
                'mmRollback service=all to=previous',
                '}', '}', '}',
                'node agent-1 {', 'ws /home/jenkins/workspace/app_main {',
                'mmRelease phase=finish result=FAILED failedPhase=Smoke tests',
                '}', '}',
        ]
        assert failure.message.contains('Smoke tests failed in staging after traffic moved')
        assert failure.message.contains('mesh federates (POST /graphql): /errors is present')
        assert failure.message.contains('Moved back to what was live before this run: agent, journal')
        assert description.contains('smoke tests failed, rolled back: agent')
        assert !trail.contains('mmMoveAlias')
    }

    @Test
    void unhealthyGatewayIsRolledBackBeforeTheFullHealthCheck() {
        fakes.unhealthy = [DeployStepFakes.GATEWAY] as Set
        Throwable failure = runJenkinsfile('Jenkinsfile.example')

        assert failure instanceof PipelineError
        assert trailFrom('stage Gateway apply') == [
                'stage Gateway apply', 'mmDeployGateway approvedPlanHash=sha256:gateway-plan-2',
                'mmRollback service=mesh to=previous',
                '}', '}', '}',
                // Recorded after the failure left node and lock: back in the run's workspace.
                "node ${AGENT} {".toString(), "ws ${WORKSPACE} {".toString(),
                'mmRelease phase=finish result=FAILED failedPhase=Gateway apply', '}', '}',
        ]
    }

    @Test
    void failedPhaseIsRecordedAndNothingAfterItRuns() {
        fakes.failingSteps = ['mmRunMigrations'] as Set
        Throwable failure = runJenkinsfile('Jenkinsfile.example')

        assert failure.message == 'mmRunMigrations failed (injected)'
        assert trailFrom('stage Migrations') == [
                'stage Migrations', 'mmRunMigrations',
                '}', '}', // its branch, the parallel step
                '}', '}', '}',
                // Recorded after the failure left node and lock: back in the run's workspace.
                "node ${AGENT} {".toString(), "ws ${WORKSPACE} {".toString(),
                'mmRelease phase=finish result=FAILED failedPhase=Migrations', '}', '}',
        ]
        // The plan ran beside the migrations; nothing was applied.
        assert fakes.callsOf('mmApplyTofu')*.planOnly == [true]
        assert fakes.callsOf('mmRollback').isEmpty()
    }

    @Test
    void failedPreflightMutatesNothingAndRecordsNothing() {
        fakes.violations = ['registry belongs to mindmirror-69']
        Throwable failure = runJenkinsfile('Jenkinsfile.example')

        assert failure.message.contains('isolation preflight refused')
        assert trail == ['node  {', 'checkout', 'mmEnvironmentFor branch=staging', '}', 'node  {', 'checkout', 'stage Preflight',
                         'mmPreflight', '}']
    }

    @Test
    void refusesAnEnvironmentWithGatesSoNoGateIsSkipped() {
        Throwable failure = runJenkinsfile('Jenkinsfile.staging-on-production')
        assert failure instanceof PipelineError
        assert failure.message.startsWith("Environment 'production' requires approval before services and gateway")
        assert failure.message.contains('mmProductionPipeline')
        assert trail == ['node  {', 'checkout', 'stage Preflight', 'mmPreflight', '}']
    }
}
