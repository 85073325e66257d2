package io.mmdeploy.sharedlib

import org.junit.jupiter.api.Test

import java.nio.file.Files

class DeployDispatchTest extends PipelineTestSupport {
    @Test
    void exampleJenkinsfileIsShort() {
        List<String> lines = Files.readAllLines(LIBRARY_ROOT.resolve('Jenkinsfile.example'))
        assert lines.size() <= 5
        assert lines.contains("@Library('mm-deploy') _")
        assert lines.contains('mmDeploy()')
    }

    @Test
    void stagingBranchRunsTheStagingPipelineUnderItsOwnLock() {
        binding.getVariable('env').BRANCH_NAME = 'staging'
        assert runJenkinsfile('Jenkinsfile.example') == null
        assert trail.findAll { it.startsWith('lock ') } == ['lock mm-deploy-staging inversePrecedence=true {']
        assert fakes.callsOf('mmApprovalGate').isEmpty()
        assert fakes.callsOf('mmPreflight')*.environment == ['staging']
    }

    @Test
    void mainBranchRunsTheProductionPipelineUnderItsOwnLock() {
        binding.getVariable('env').BRANCH_NAME = 'main'
        assert runJenkinsfile('Jenkinsfile.example') == null
        // Taken again after each gate: the gates wait outside it.
        assert trail.findAll { it.startsWith('lock ') }.unique() == ['lock mm-deploy-production inversePrecedence=true {']
        assert fakes.callsOf('mmApprovalGate')*.phase == ['services', 'gateway']
        assert fakes.callsOf('mmPreflight')*.environment == ['production']
    }

    @Test
    void otherBranchBuildsNothingAndEndsNotBuilt() {
        binding.getVariable('env').BRANCH_NAME = 'feature/faster-journal'
        assert runJenkinsfile('Jenkinsfile.example') == null

        assert result == 'NOT_BUILT'
        assert log == ["Branch 'feature/faster-journal' deploys nowhere: mm-deploy.yaml maps the branches " +
                'staging -> staging, main -> production. Merge into one of those branches to deploy, ' +
                'or set environments.<name>.branch in mm-deploy.yaml.']
        assert trail == ['node  {', 'checkout', 'mmEnvironmentFor branch=feature/faster-journal', '}']
    }

    @Test
    void jobWithoutBranchIsRefused() {
        Throwable failure = runJenkinsfile('Jenkinsfile.example')

        assert failure instanceof PipelineError
        assert failure.message.startsWith('mmDeploy picks the environment from the branch')
        assert trail.isEmpty()
    }

    @Test
    void pipelineVarDoesNotShadowThePluginRollbackStep() {
        assert !Files.exists(LIBRARY_ROOT.resolve('vars/mmRollback.groovy'))
        assert Files.exists(LIBRARY_ROOT.resolve('vars/mmRollbackPipeline.groovy'))
    }
}
