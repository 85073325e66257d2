package io.mmdeploy.sharedlib

import org.junit.jupiter.api.Test

/**
 * Keeps the library and its fakes on the contract the plugin implements: every argument the
 * pipelines pass, and every key the fakes answer with, is named in docs/STEPS.md for that step.
 */
class StepContractTest extends PipelineTestSupport {
    /** step → [parameters cell, returns cell] of the table in docs/STEPS.md. */
    private static Map<String, List<String>> contract() {
        Map<String, List<String>> rows = [:]
        LIBRARY_ROOT.resolve('docs/STEPS.md').toFile().eachLine('UTF-8') { String line ->
            def row = line =~ /^\| `(mm\w+)` \| (.*?) \| (.*) \|$/
            if (row) {
                rows[row[0][1]] = [row[0][2], row[0][3]]
            }
        }
        rows
    }

    private static boolean names(String cell, String key) {
        cell.contains("`${key}`")
    }

    private void runEveryFlow() {
        binding.getVariable('env').BRANCH_NAME = 'staging'
        fakes.unhealthy = ['journal'] as Set
        runJenkinsfile('Jenkinsfile.example')
        fakes.unhealthy = [] as Set
        binding.getVariable('env').BRANCH_NAME = 'main'
        // Production as if it promoted from staging and had a vulnerability gate: the flow's phases say so.
        fakes.phases = ['Preflight', 'Promote images', 'Build images', 'Vulnerability scan']
        assert runJenkinsfile('Jenkinsfile.example') == null
        fakes.phases = []
        binding.setVariable('params', [ENVIRONMENT: 'production', SERVICE: 'agent', TARGET: 'previous'])
        assert runJenkinsfile('Jenkinsfile.rollback.example') == null
    }

    @Test
    void everyStepTheLibraryCallsIsInTheContract() {
        runEveryFlow()
        Map<String, List<String>> steps = contract()

        assert fakes.calls*.step.unique().sort() == fakes.steps().keySet().sort()
        fakes.calls.each { Map call ->
            assert steps.containsKey(call.step): "${call.step} is not in docs/STEPS.md"
            String parameters = steps[call.step][0]
            call.args.keySet().findAll { !(it in ['environment', 'config']) }.each { String key ->
                assert names(parameters, key): "${call.step}(${key}:) is not a documented parameter"
            }
        }
    }

    @Test
    void everyKeyTheFakesAnswerWithIsInTheContract() {
        runEveryFlow()
        Map<String, List<String>> steps = contract()

        fakes.calls.findAll { it.answer != null }.each { Map call ->
            String returns = steps[call.step][1]
            call.answer.keySet().each { String key ->
                assert names(returns, key): "${call.step} answers '${key}', which docs/STEPS.md does not list"
            }
        }
    }
}
