package io.mmdeploy.sharedlib

import org.junit.jupiter.api.Test

class RollbackPipelineTest extends PipelineTestSupport {
    private void request(String environment, String service, String target, Boolean force = null) {
        Map params = [ENVIRONMENT: environment, SERVICE: service, TARGET: target]
        if (force != null) {
            params.FORCE = force
        }
        binding.setVariable('params', params)
    }

    @Test
    void parametersComeFromTheConfig() {
        request('staging', 'all', 'previous')
        runJenkinsfile('Jenkinsfile.rollback.example')

        assert parameterDefinitions*.name == ['ENVIRONMENT', 'SERVICE', 'TARGET', 'FORCE']
        assert parameterDefinitions*.type == ['choice', 'choice', 'string', 'booleanParam']
        // No default environment: the first choice is empty, and refused.
        assert parameterDefinitions[0].choices == ['', 'staging', 'production']
        assert parameterDefinitions[1].choices == ['all'] + DeployStepFakes.SERVICES + [DeployStepFakes.GATEWAY]
        assert parameterDefinitions[2].defaultValue == 'previous'
        assert parameterDefinitions[2].description.contains('release id')
        assert parameterDefinitions[3].defaultValue == false
        assert parameterDefinitions[3].description.contains('compatibleWithPrevious')
        assert parameterDefinitions[3].description.contains('confirmation is still required')
    }

    @Test
    void firstRunOnlyRegistersTheParameters() {
        assert runJenkinsfile('Jenkinsfile.rollback.example') == null

        assert parameterDefinitions.size() == 4
        assert result == 'NOT_BUILT'
        assert trail == ['node  {', 'checkout', 'mmEnvironmentFor', '}']
    }

    @Test
    void aRunWithoutParametersRollsNothingBack() {
        // Rebuild, or `build job: 'rollback'` with no parameters: every parameter at its default.
        binding.setVariable('params', [ENVIRONMENT: '', SERVICE: 'all', TARGET: 'previous', FORCE: false])
        Throwable failure = runJenkinsfile('Jenkinsfile.rollback.example')

        assert failure instanceof PipelineError
        assert failure.message == 'ENVIRONMENT is empty: a rollback has no default environment. ' +
                'Start it with "Build with Parameters" and pick one of staging, production.'
        assert result == 'FAILURE'
        assert trail == ['node  {', 'checkout', 'mmEnvironmentFor', '}']
    }

    @Test
    void theConfirmationWaitsOutsideNodeAndLock() {
        request('production', 'journal', 'previous')
        assert runJenkinsfile('Jenkinsfile.rollback.example') == null

        assert openBlocksAt('mmApprovalGate') == [[]]
        assert openBlocksAt('mmOpenGate') == [["node ${AGENT} {".toString(), "ws ${WORKSPACE} {".toString()]]
        assert openBlocksAt('mmRollback').every { it.contains('lock mm-deploy-production inversePrecedence=true {') }
        assert !trail.any { it.startsWith('timeout') }
    }

    @Test
    void productionRollbackIsConfirmedThenHealthCheckedAndRecorded() {
        request('production', 'journal', 'rel-20261120-0900-ffee00')
        assert runJenkinsfile('Jenkinsfile.rollback.example') == null

        assert trail == [
                'node  {', 'checkout', 'mmEnvironmentFor', '}',
                "node ${AGENT} {".toString(), "ws ${WORKSPACE} {".toString(),
                'stage Preflight', 'mmPreflight', 'mmRelease phase=start kind=rollback',
                'mmOpenGate phase=rollback summary=Roll back journal in production to rel-20261120-0900-ffee00',
                '}', '}',
                'stage Confirm rollback', 'milestone 10', 'mmApprovalGate phase=rollback',
                'milestone 20', 'lock mm-deploy-production inversePrecedence=true {', 'milestone 30',
                "node ${AGENT} {".toString(), "ws ${WORKSPACE} {".toString(),
                'stage Rollback', 'mmRollback service=journal to=rel-20261120-0900-ffee00 force=false',
                'stage Health', 'mmHealthCheck services=[journal]',
                'stage Release record', 'mmRelease phase=finish result=SUCCEEDED',
                '}', '}', '}',
        ]
        assert fakes.answersOf('mmApprovalGate')[0].approver == 'alice'
        assert description == "production · rollback of journal to rel-20261120-0900-ffee00 · release ${DeployStepFakes.RELEASE}"
        assert log.contains('journal: traffic moved from journal-00042-new to journal-00041-old')
    }

    @Test
    void forceIsPassedToTheRollbackAndTheConfirmationStillHappens() {
        request('production', 'journal', 'previous', true)
        assert runJenkinsfile('Jenkinsfile.rollback.example') == null

        assert trailFrom('mmOpenGate') == [
                'mmOpenGate phase=rollback summary=Roll back journal in production to previous ' +
                        '(FORCE: past migrations not compatible with the previous release)', '}', '}',
                'stage Confirm rollback', 'milestone 10', 'mmApprovalGate phase=rollback',
                'milestone 20', 'lock mm-deploy-production inversePrecedence=true {', 'milestone 30',
                "node ${AGENT} {".toString(), "ws ${WORKSPACE} {".toString(),
                'stage Rollback', 'mmRollback service=journal to=previous force=true',
                'stage Health', 'mmHealthCheck services=[journal]',
                'stage Release record', 'mmRelease phase=finish result=SUCCEEDED',
                '}', '}', '}',
        ]
        assert fakes.answersOf('mmApprovalGate')[0].approver == 'alice'
    }

    @Test
    void forcedRollbackThatIsNotConfirmedMovesNothing() {
        request('production', 'all', 'previous', true)
        fakes.rejectedGates = ['rollback'] as Set
        Throwable failure = runJenkinsfile('Jenkinsfile.rollback.example')

        assert failure instanceof DeployStepFakes.GateRejected
        assert fakes.callsOf('mmApprovalGate')*.phase == ['rollback']
        // The approver was told the rollback is forced, and said no: nothing moved.
        assert fakes.callsOf('mmOpenGate')[0].summary.contains('FORCE')
        assert fakes.callsOf('mmRollback').isEmpty()
    }

    @Test
    void forceIsOffWhenTheJobHasNoFORCEParameterYetOrItIsUnticked() {
        request('staging', 'meals', 'previous')
        assert runJenkinsfile('Jenkinsfile.rollback.example') == null
        request('staging', 'meals', 'previous', false)
        assert runJenkinsfile('Jenkinsfile.rollback.example') == null

        assert fakes.callsOf('mmRollback')*.force == [false, false]
    }

    @Test
    void rejectedConfirmationMovesNothing() {
        request('production', 'all', 'previous')
        fakes.rejectedGates = ['rollback'] as Set
        Throwable failure = runJenkinsfile('Jenkinsfile.rollback.example')

        assert failure instanceof DeployStepFakes.GateRejected
        assert fakes.callsOf('mmRollback').isEmpty()
        assert fakes.callsOf('mmRelease')*.failedPhase == [null, 'Confirm rollback']
    }

    @Test
    void stagingRollbackOfEverythingPassesTheGateWithoutAPerson() {
        request('staging', 'all', '')
        assert runJenkinsfile('Jenkinsfile.rollback.example') == null

        assert fakes.answersOf('mmApprovalGate')*.approver == ['auto']
        assert fakes.callsOf('mmRollback') == [[environment: 'staging', config: 'mm-deploy.yaml', service: 'all', to: 'previous', force: false]]
        assert fakes.callsOf('mmHealthCheck')[0].services == DeployStepFakes.SERVICES + [DeployStepFakes.GATEWAY]
        assert trail.contains('lock mm-deploy-staging inversePrecedence=true {')
    }

    @Test
    void serviceNoLongerInTheConfigIsRefused() {
        request('production', 'billing', 'previous')
        Throwable failure = runJenkinsfile('Jenkinsfile.rollback.example')

        assert failure instanceof PipelineError
        assert failure.message.startsWith("SERVICE 'billing' is not a service of the config")
        assert fakes.callsOf('mmPreflight').isEmpty()
        assert fakes.callsOf('mmRollback').isEmpty()
    }

    @Test
    void unhealthyAfterRollbackFailsTheBuildWithoutRollingBackAgain() {
        request('staging', 'meals', 'previous')
        fakes.unhealthyAfterRollback = ['meals'] as Set
        Throwable failure = runJenkinsfile('Jenkinsfile.rollback.example')

        assert failure instanceof PipelineError
        assert failure.message.contains('Traffic moved back in staging, but the health check still fails')
        assert failure.message.contains('meals: status 503 after 3 attempts')
        assert fakes.callsOf('mmRollback').size() == 1
        assert fakes.callsOf('mmRelease')*.failedPhase == [null, 'Health']
    }
}
