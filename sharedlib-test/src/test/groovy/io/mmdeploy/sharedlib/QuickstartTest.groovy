package io.mmdeploy.sharedlib

import com.fasterxml.jackson.databind.JsonNode
import com.fasterxml.jackson.databind.ObjectMapper
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory
import org.junit.jupiter.api.Assumptions
import org.junit.jupiter.api.Test

import java.nio.file.Files
import java.nio.file.Path

/**
 * The Jenkins quickstart (quickstart/jenkins/), checked offline: it cannot be started here (no Docker daemon, no Jenkins
 * update site). Its YAML parses and names the library, the credentials and the jobs the README describes, with no secret
 * in it; every plugin it pins is pinned the same by the BOM the mm-deploy plugin is built against; every step vars/
 * calls comes from a listed plugin, from Jenkins core, or from the mm-deploy plugin.
 */
class QuickstartTest extends PipelineTestSupport {
    static final Path QUICKSTART = LIBRARY_ROOT.resolve('quickstart/jenkins')
    /** Written by the jenkins-deps tool from plugin/pom.xml's parent and BOMs; it sits beside the clone (shared/). */
    static final Path BOM_PINS = LIBRARY_ROOT.resolve('../shared/reference/jenkins-managed-versions.tsv').normalize()

    /**
     * Where each Jenkins step the library calls comes from: its plugin id, or {@code core} for what Jenkins itself
     * provides (checked in the jenkinsci sources: ExecutorStep in workflow-durable-task-step, StageStep in
     * pipeline-stage-step, LockStep in lockable-resources, MilestoneStep in pipeline-milestone-step, EchoStep
     * and ErrorStep in workflow-basic-steps, GenericSCMStep (checkout) in workflow-scm-step, JobPropertyStep (properties)
     * in workflow-multibranch, WorkspaceStep (ws) in workflow-durable-task-step, PwdStep in workflow-basic-steps, ArtifactArchiver's @Symbol("archiveArtifacts") in core, run through workflow-basic-steps'
     * CoreStep; parameters, choice, string and booleanParam are core's parameter definitions).
     */
    static final Map<String, String> STEP_PLUGINS = [
            node            : 'workflow-durable-task-step',
            stage           : 'pipeline-stage-step',
            lock            : 'lockable-resources',
            milestone       : 'pipeline-milestone-step',
            parallel        : 'workflow-cps',
            ws              : 'workflow-durable-task-step',
            pwd             : 'workflow-basic-steps',
            echo            : 'workflow-basic-steps',
            error           : 'workflow-basic-steps',
            archiveArtifacts: 'workflow-basic-steps',
            checkout        : 'workflow-scm-step',
            properties      : 'workflow-multibranch',
            parameters      : 'core',
            choice          : 'core',
            string          : 'core',
            booleanParam    : 'core',
    ]

    private static JsonNode yaml(String file) {
        new ObjectMapper(new YAMLFactory()).readTree(QUICKSTART.resolve(file).toFile())
    }

    /** id → version, from plugins.txt. */
    private static Map<String, String> plugins() {
        Map<String, String> out = [:]
        QUICKSTART.resolve('plugins.txt').readLines('UTF-8').findAll { it.trim() && !it.startsWith('#') }.each { String line ->
            def m = line.trim() =~ /^([a-z0-9-]+):(\S+)$/
            assert m.matches(): "plugins.txt: '${line}' is not <plugin id>:<version>"
            assert !out.containsKey(m[0][1]): "plugins.txt lists ${m[0][1]} twice"
            out[m[0][1]] = m[0][2]
        }
        out
    }

    /** The mm-deploy plugin's step names: what each DescriptorImpl.getFunctionName() returns. */
    private static Set<String> ourSteps() {
        Set<String> out = [] as Set
        LIBRARY_ROOT.resolve('plugin/src/main/java').toFile().eachFileRecurse { File file ->
            if (file.name.endsWith('Step.java')) {
                (file.text =~ /getFunctionName\(\)\s*\{\s*return\s+"(\w+)"/).each { out << it[1] }
            }
        }
        out
    }

    @Test
    void theConfigurationAsCodeParsesAndKeepsEverySecretOutOfIt() {
        JsonNode casc = yaml('casc/jenkins.yaml')

        JsonNode library = casc.path('unclassified').path('globalLibraries').path('libraries').get(0)
        assert library.path('name').asText() == 'mm-deploy'
        assert library.path('implicit').asBoolean(true) == false
        assert library.path('retriever').path('modernSCM').path('scm').path('git').path('remote').asText() == '${MM_DEPLOY_LIBRARY_REPO}'

        List<JsonNode> credentials = casc.path('credentials').path('system').path('domainCredentials').get(0).path('credentials').toList()
        // The ids the example config names (environments.<env>.credentialsId), each a Google service-account key.
        String config = LIBRARY_ROOT.resolve('examples/mindmirror/mm-deploy.yaml').text
        assert credentials*.path('googleRobotPrivateKey')*.path('id')*.asText() == ['gcp-staging-deployer', 'gcp-production-deployer']
        credentials*.path('googleRobotPrivateKey')*.path('id')*.asText().each { assert config.contains("credentialsId: ${it}") }

        // Every value under a key that holds a secret is a reference resolved at start-up, never the secret itself.
        List<String> secretValues = []
        walk(casc) { String key, String value ->
            if (key =~ /(?i)password|secret|token|privateKey/) {
                secretValues << value
                assert value ==~ /\$\{[A-Za-z_]+\}|\$\{readFileBase64:\/run\/secrets\/[a-z-]+\}/: "${key}: ${value} is not a reference"
            }
        }
        assert secretValues.size() == 3
    }

    @Test
    void theJobsAreTheDeployMultibranchAndTheRollbackPipeline() {
        List<String> scripts = yaml('casc/jenkins.yaml').path('jobs')*.path('script')*.asText()

        assert scripts.size() == 2
        assert scripts[0].contains('multibranchPipelineJob(') && scripts[0].contains('scriptPath("Jenkinsfile")')
        assert scripts[1].contains('pipelineJob(') && scripts[1].contains('scriptPath("Jenkinsfile.rollback")')
        assert scripts[1].contains('branch("*/main")')
        // What the app repository holds for them (README, "Setting up Jenkins").
        assert LIBRARY_ROOT.resolve('Jenkinsfile.example').text.contains('mmDeploy()')
        assert LIBRARY_ROOT.resolve('Jenkinsfile.rollback.example').text.contains('mmRollbackPipeline()')
    }

    @Test
    void theComposeFileBuildsTheControllerWithTheHpiAndMountsTheKeysAsSecrets() {
        JsonNode compose = yaml('docker-compose.yml')
        JsonNode jenkins = compose.path('services').path('jenkins')

        assert jenkins.path('build').path('dockerfile').asText() == 'quickstart/jenkins/Dockerfile'
        assert jenkins.path('secrets')*.asText() == ['gcp-staging-deployer', 'gcp-production-deployer']
        assert compose.path('secrets').path('gcp-staging-deployer').path('file').asText().contains('gcp-staging-deployer.json')
        String dockerfile = QUICKSTART.resolve('Dockerfile').text
        assert dockerfile.contains('COPY --chown=jenkins:jenkins plugin/target/mm-deploy.hpi /usr/share/jenkins/ref/plugins/mm-deploy.jpi')
        assert dockerfile.contains('jenkins-plugin-cli --plugin-file')
        // The controller's Jenkins is the one the plugin is built against.
        String jenkinsVersion = (LIBRARY_ROOT.resolve('plugin/pom.xml').text =~ /<jenkins.baseline>([\d.]+)</)[0][1] + '.3'
        assert dockerfile.contains("FROM jenkins/jenkins:${jenkinsVersion}-jdk17")
    }

    @Test
    void everyPluginIsPinnedAsTheBomPinsItAndThePluginsOwnDependenciesAreListed() {
        Map<String, String> listed = plugins()

        // mm-deploy's own plugin dependencies (plugin/pom.xml, outside test scope).
        def pom = new XmlSlurper().parse(LIBRARY_ROOT.resolve('plugin/pom.xml').toFile())
        List<String> needed = pom.dependencies.dependency.findAll { it.scope.text() != 'test' && it.groupId.text() != 'io.mmdeploy' }*.artifactId*.text()
        assert needed.contains('google-oauth-plugin')
        needed.each { check(listed.containsKey(it), "plugins.txt lacks ${it}, which the mm-deploy plugin depends on") }

        Assumptions.assumeTrue(Files.exists(BOM_PINS), "skipped: ${BOM_PINS} (shared/reference, beside the clone) is not here")
        Map<String, Set<String>> pinned = [:].withDefault { [] as Set }
        BOM_PINS.readLines('UTF-8').findAll { !it.startsWith('#') }.each { String line ->
            List<String> f = line.split('\t') as List
            if (f.size() >= 5 && f[2].isEmpty() && f[4] == 'managed') {
                pinned[f[1]] << f[3]
            }
        }
        listed.each { String id, String version ->
            Set<String> pins = pinned.containsKey(id) ? pinned[id] : [] as Set
            check(pins == [version] as Set, "plugins.txt pins ${id}:${version}, the BOM the plugin is built against ${pins ?: 'not at all'}")
        }
    }

    @Test
    void everyStepTheLibraryCallsComesFromAListedPluginCoreOrMmDeploy() {
        runEveryFlow()

        Set<String> registered = helper.allowedMethodCallbacks.keySet()*.name as Set
        Set<String> library = LIBRARY_ROOT.resolve('vars').toFile().list().findAll { it.endsWith('.groovy') }.collect { it - '.groovy' } as Set
        Set<String> called = helper.callStack*.methodName.findAll { it in registered && !(it in library) } as Set
        Set<String> ours = ourSteps()
        Map<String, String> listed = plugins()

        assert ours.containsAll(['mmPreflight', 'mmApprovalGate', 'mmRollback'])
        assert called.containsAll(['node', 'stage', 'lock', 'mmPreflight'])
        called.findAll { !(it in ours) }.each { String step ->
            check(STEP_PLUGINS.containsKey(step), "vars/ calls ${step}: say which plugin provides it (STEP_PLUGINS) and list it in plugins.txt")
            String plugin = STEP_PLUGINS[step]
            check(plugin == 'core' || listed.containsKey(plugin), "${step} comes from ${plugin}, which plugins.txt does not list")
        }
        called.findAll { it.startsWith('mm') }.each { check(it in ours, "${it} is no step of the mm-deploy plugin") }
    }

    /** An assertion whose message is the whole story (a power assert would print every map in the expression). */
    private static void check(boolean holds, String message) {
        if (!holds) {
            throw new AssertionError(message)
        }
    }

    private static void walk(JsonNode node, Closure visit, String key = '') {
        if (node.isObject()) {
            node.fields().each { Map.Entry<String, JsonNode> e -> walk(e.value, visit, e.key) }
        } else if (node.isArray()) {
            node.each { walk(it, visit, key) }
        } else if (node.isTextual()) {
            visit(key, node.asText())
        }
    }
}
