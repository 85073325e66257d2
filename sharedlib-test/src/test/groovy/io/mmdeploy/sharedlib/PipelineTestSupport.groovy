package io.mmdeploy.sharedlib

import com.lesfurets.jenkins.unit.cps.BasePipelineTestCPS
import org.junit.jupiter.api.AfterEach
import org.junit.jupiter.api.BeforeEach

import java.nio.file.Files
import java.nio.file.Path
import java.nio.file.Paths

import static com.lesfurets.jenkins.unit.global.lib.LibraryConfiguration.library
import static com.lesfurets.jenkins.unit.global.lib.LocalSource.localSource

/**
 * Runs the real Jenkinsfiles and vars/ of the repository root as Jenkins would load them (the
 * library 'mm-deploy'), with the Jenkins steps they use registered as recorders and the plugin's
 * mm* steps as {@link DeployStepFakes}. The trail lists, in order, the stages, the node, ws and lock
 * blocks (as "{" ... "}"), milestones and mm* calls.
 *
 * The scripts run CPS-transformed, and the program state is serialised and restored at every step
 * call as Jenkins does, so a local that Jenkins could not save (a map iterator, say) fails the test.
 */
abstract class PipelineTestSupport extends BasePipelineTestCPS {
    static final String AGENT = 'agent-1'
    static final String WORKSPACE = '/home/jenkins/workspace/app_main'
    static final Path LIBRARY_ROOT = Paths.get(System.getProperty('mmdeploy.libraryRoot', '..')).toAbsolutePath().normalize()

    final List<String> trail = []
    final List<String> log = []
    /** What archiveArtifacts kept, in order. */
    final List<String> archived = []
    DeployStepFakes fakes
    /** What properties() registered: parameter definitions as maps with their type. */
    List<Map> parameterDefinitions = []
    private Path libraries

    @BeforeEach
    @Override
    void setUp() throws Exception {
        // The repository's own Jenkinsfiles, and test ones that call a pipeline var with other arguments.
        scriptRoots = [LIBRARY_ROOT.toString(), 'src/test/resources/jenkinsfiles'] as String[]
        scriptExtension = ''
        super.setUp()
        // LocalSource looks for <dir>/<name>@<version>; the library is the repository root itself.
        libraries = Files.createTempDirectory('mm-deploy-libraries')
        Files.createSymbolicLink(libraries.resolve('mm-deploy@test'), LIBRARY_ROOT)
        helper.registerSharedLibrary(library().name('mm-deploy').defaultVersion('test')
                .allowOverride(false).implicit(false).targetPath(libraries.toString())
                .retriever(localSource(libraries.toString())).build())

        binding.setVariable('env', [:])
        binding.setVariable('params', [:])
        binding.setVariable('scm', [$class: 'GitSCM'])
        binding.setVariable('currentBuild', [result: null, description: null])

        fakes = new DeployStepFakes(trail)
        fakes.steps().each { String name, Closure step -> helper.registerAllowedMethod(name, [Map], step) }
        registerJenkinsSteps()
    }

    @AfterEach
    void removeLibraryLink() {
        Files.deleteIfExists(libraries.resolve('mm-deploy@test'))
        Files.deleteIfExists(libraries)
    }

    private void registerJenkinsSteps() {
        // Block steps run their body through the helper: in CPS mode a plain body() would only be scheduled.
        // An empty label is any agent: the fake's agent is AGENT; pwd() is its workspace.
        helper.registerAllowedMethod('node', [String, Closure]) { String label, Closure body ->
            trail << "node ${label} {".toString()
            Map env = binding.getVariable('env')
            env.NODE_NAME = label ?: AGENT
            try {
                helper.callClosure(body)
            } finally {
                env.remove('NODE_NAME')
                trail << '}'
            }
        }
        helper.registerAllowedMethod('pwd', []) { -> WORKSPACE }
        helper.registerAllowedMethod('ws', [String, Closure]) { String path, Closure body ->
            trail << "ws ${path} {".toString()
            try {
                helper.callClosure(body)
            } finally {
                trail << '}'
            }
        }
        helper.registerAllowedMethod('checkout', [Map]) { Map scm -> trail << 'checkout' }
        helper.registerAllowedMethod('stage', [String, Closure]) { String name, Closure body ->
            trail << "stage ${name}".toString()
            helper.callClosure(body)
        }
        // Jenkins runs the branches at once; here they run in order, each marked, failFast noted. failFast: the first
        // failure ends the step (Jenkins aborts the others); otherwise every branch runs to its end and the step then
        // fails with the first failure, as Jenkins does.
        helper.registerAllowedMethod('parallel', [Map]) { Map branches ->
            boolean failFast = branches.failFast == true
            trail << "parallel failFast=${failFast} {".toString()
            Throwable first = null
            try {
                branches.findAll { it.key != 'failFast' }.each { String name, Closure body ->
                    trail << "branch ${name} {".toString()
                    try {
                        helper.callClosure(body)
                    } catch (Throwable e) {
                        if (failFast) {
                            throw e
                        }
                        first = first ?: e
                    } finally {
                        trail << '}'
                    }
                }
            } finally {
                trail << '}'
            }
            if (first != null) {
                throw first
            }
        }
        helper.registerAllowedMethod('lock', [Map, Closure]) { Map args, Closure body ->
            trail << "lock ${args.resource} inversePrecedence=${args.inversePrecedence} {".toString()
            try {
                helper.callClosure(body)
            } finally {
                trail << '}'
            }
        }
        helper.registerAllowedMethod('milestone', [Map]) { Map args -> trail << "milestone ${args.ordinal}".toString() }
        helper.registerAllowedMethod('echo', [String]) { String line -> log << line }
        helper.registerAllowedMethod('archiveArtifacts', [Map]) { Map args ->
            assert args.fingerprint == true
            archived << args.artifacts
        }
        helper.registerAllowedMethod('error', [String]) { String message ->
            binding.getVariable('currentBuild').result = 'FAILURE'
            throw new PipelineError(message)
        }
        helper.registerAllowedMethod('properties', [List]) { List props -> parameterDefinitions = props.flatten() }
        helper.registerAllowedMethod('parameters', [List]) { List definitions -> definitions }
        helper.registerAllowedMethod('choice', [Map]) { Map args -> [type: 'choice'] + args }
        helper.registerAllowedMethod('string', [Map]) { Map args -> [type: 'string'] + args }
        helper.registerAllowedMethod('booleanParam', [Map]) { Map args -> [type: 'booleanParam'] + args }
    }

    /** Every flow the example Jenkinsfiles take: staging (with a health failure), production, a rollback. */
    void runEveryFlow() {
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

    /** Runs one of the repository's Jenkinsfiles; returns the error it failed with, or null. */
    Throwable runJenkinsfile(String name) {
        try {
            runScript(name)
            return null
        } catch (Throwable failure) {
            return failure
        }
    }

    String getDescription() {
        binding.getVariable('currentBuild').description
    }

    String getResult() {
        binding.getVariable('currentBuild').result
    }

    /** The stage names the run showed, in order. */
    List<String> getStages() {
        trail.findAll { it.startsWith('stage ') }.collect { it.substring('stage '.length()) }
    }

    /**
     * The blocks (node, ws, lock) open at each trail entry that starts with {@code prefix}: what a step held while it
     * ran, e.g. [[], ['node agent-1 {', 'ws ... {']].
     */
    List<List<String>> openBlocksAt(String prefix) {
        List<List<String>> found = []
        List<String> open = []
        trail.each { String entry ->
            if (entry.endsWith(' {')) {
                open << entry
            } else if (entry == '}') {
                open.remove(open.size() - 1)
            } else if (entry.startsWith(prefix)) {
                found << new ArrayList<>(open)
            }
        }
        found
    }

    /** The trail from the first entry starting with {@code from} on. */
    List<String> trailFrom(String from) {
        int start = trail.findIndexOf { it.startsWith(from) }
        assert start >= 0: "no '${from}' in ${trail}"
        trail.subList(start, trail.size())
    }

    /** What the error step throws (in Jenkins: an AbortException, which fails the build). */
    static class PipelineError extends RuntimeException {
        PipelineError(String message) {
            super(message)
        }
    }
}
