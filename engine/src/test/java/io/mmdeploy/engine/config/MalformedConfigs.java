package io.mmdeploy.engine.config;

import io.mmdeploy.engine.testing.ExampleRepo;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Broken variants of the bundled example's config, each with the field path and the message it must
 * produce. Shared by the engine's validation test and the CLI's no-stack-trace test.
 */
public final class MalformedConfigs {
    private static final String Y = ExampleRepo.CONFIG;

    /**
     * @param name what is wrong
     * @param breakIt turns the valid example into the broken one
     * @param field the field path the error must name ("" for file-level errors)
     * @param message text the error must contain
     */
    public record Case(String name, Consumer<ExampleRepo> breakIt, String field, String message) {
        @Override
        public String toString() {
            return name;
        }
    }

    private MalformedConfigs() {}

    private static Case replace(String name, String from, String to, String field, String message) {
        return new Case(name, repo -> repo.replace(Y, from, to), field, message);
    }

    private static Case whole(String name, String text, String field, String message) {
        return new Case(name, repo -> repo.write(Y, text), field, message);
    }

    public static List<Case> all() {
        List<Case> cases = new ArrayList<>();
        // unknown keys, with "did you mean"
        cases.add(replace("unknown top-level key", "app: mindmirror", "app: mindmirror\nservics: []", "servics", "Did you mean \"services\"?"));
        cases.add(replace("misspelt service key", "    tfvarsVariable: agent_service_container_image", "    tfvarsVarible: agent_service_container_image",
                "services[0].tfvarsVarible", "Did you mean \"tfvarsVariable\"?"));
        cases.add(replace("misspelt build key", "  build:\n    context: mesh", "  build:\n    contxt: mesh", "gateway.build.contxt", "Did you mean \"context\"?"));
        cases.add(replace("misspelt environment key", "    credentialsId: gcp-staging-deployer", "    credentialId: gcp-staging-deployer",
                "environments.staging.credentialId", "Did you mean \"credentialsId\"?"));
        // missing required fields
        cases.add(replace("missing app", "app: mindmirror\n", "", "app", "Missing required field \"app\""));
        cases.add(replace("missing service name", "  - name: agent\n    build:", "  - build:", "services[0].name", "Missing required field \"name\""));
        cases.add(replace("missing tfvars variable", "    tfvarsVariable: meals_service_container_image\n", "",
                "services[3].tfvarsVariable", "Missing required field \"tfvarsVariable\""));
        cases.add(replace("missing gateway target", "  tofuTarget: google_cloud_run_v2_service.gateway\n", "", "gateway.tofuTarget", "Missing required field"));
        cases.add(replace("missing project", "    project:\n      id: mindmirror-staging\n      number: \"1234567890\"\n", "",
                "environments.staging.project", "Missing required field \"project\""));
        cases.add(replace("missing branch", "    branch: main\n", "", "environments.production.branch", "Missing required field \"branch\""));
        // supply chain: promotion, the vulnerability gate, retention
        String prod = "    serviceUrlsSecret: service-urls-production\n";
        cases.add(replace("promoteFrom names no environment", prod, prod + "    promoteFrom: stagin\n", "environments.production.promoteFrom",
                "Did you mean \"staging\"?"));
        cases.add(replace("promoteFrom itself", prod, prod + "    promoteFrom: production\n", "environments.production.promoteFrom",
                "production promotes from itself"));
        cases.add(replace("requirePromotion alone", prod, prod + "    requirePromotion: true\n", "environments.production.requirePromotion",
                "requirePromotion without promoteFrom"));
        cases.add(replace("unknown threshold", prod, prod + "    vulnerabilities: {threshold: MEDIUM}\n", "environments.production.vulnerabilities.threshold",
                "CRITICAL (the default) or HIGH"));
        cases.add(replace("unknown onScanTimeout", prod, prod + "    vulnerabilities: {onScanTimeout: ignore}\n",
                "environments.production.vulnerabilities.onScanTimeout", "fail (the default"));
        cases.add(replace("allowlist entry without expiry", prod, prod + "    vulnerabilities:\n      allowlist:\n        - {id: CVE-2024-3094, images: [agent], reason: ok}\n",
                "environments.production.vulnerabilities.allowlist[0].expires", "Missing required field \"expires\""));
        cases.add(replace("allowlist expiry not a date", prod, prod
                        + "    vulnerabilities:\n      allowlist:\n        - {id: CVE-2024-3094, images: [agent], reason: ok, expires: next-year}\n",
                "environments.production.vulnerabilities.allowlist[0].expires", "expected a date, YYYY-MM-DD"));
        cases.add(replace("allowlist names an unknown image", prod, prod
                        + "    vulnerabilities:\n      allowlist:\n        - {id: CVE-2024-3094, images: [agnet], reason: ok, expires: 2027-01-31}\n",
                "environments.production.vulnerabilities.allowlist[0].images[0]", "Did you mean \"agent\"?"));
        String steps = "      steps: [10, 50, 100]\n";
        cases.add(replace("rollout steps not increasing", steps, "      steps: [50, 10, 100]\n", "environments.production.rollout.steps[1]",
                "Rollout step 2 is not a usable percentage"));
        cases.add(replace("rollout never at 100", steps, "      steps: [10, 50]\n", "environments.production.rollout.steps",
                "The last rollout step is not 100"));
        cases.add(replace("rollout step above 100", steps, "      steps: [10, 150]\n", "environments.production.rollout.steps[1]",
                "expected whole percentages from 1 to 100"));
        cases.add(replace("rollout without steps", steps, "", "environments.production.rollout.steps", "Missing required field \"steps\""));
        cases.add(replace("rollout error limit as text", "        maxErrorPercent: 1\n", "        maxErrorPercent: one\n",
                "environments.production.rollout.analysis.maxErrorPercent", "a number from 0.0 to 100.0"));
        cases.add(replace("rollout hold under a minute", "      holdSeconds: 300\n", "      holdSeconds: 30\n",
                "environments.production.rollout.holdSeconds", "expected a whole number from 60"));
        cases.add(replace("misspelt rollout key", "      holdSeconds: 300\n", "      hold: 300\n", "environments.production.rollout.hold",
                "Did you mean \"holdSeconds\"?"));
        cases.add(replace("retention keepLast zero", prod, prod + "    retention: {keepLast: 0}\n", "environments.production.retention.keepLast",
                "expected a whole number from 1"));
        // wrong types
        cases.add(replace("timeout as text", "timeoutSeconds: 900", "timeoutSeconds: ten", "migrations[0].timeoutSeconds", "Expected a whole number"));
        cases.add(replace("fourEyes as text", "fourEyes: true", "fourEyes: \"yes please\"", "environments.production.approval.fourEyes", "Expected true or false"));
        cases.add(replace("submitters not a list", "submitters: [release-managers]", "submitters: release-managers",
                "environments.production.approval.submitters", "Expected a list of strings"));
        cases.add(replace("services is a mapping", "services:\n  - name: agent", "services:\n  agent:\n  - name: agent", "services", "Expected a list"));
        cases.add(replace("environment is a string", "  staging:\n    branch: staging", "  staging: staging\n  old:\n    branch: staging",
                "environments.staging", "Expected a mapping"));
        cases.add(replace("app is a number", "app: mindmirror", "app: 42", "app", "found a number (42)"));
        // invalid names and values
        cases.add(replace("Cloud Run name with capitals", "cloudRunName: agent-service", "cloudRunName: Agent_Service",
                "services[0].cloudRunName", "Invalid Cloud Run service name \"Agent_Service\""));
        cases.add(replace("Cloud Run name of 50 characters", "cloudRunName: journal-service", "cloudRunName: journal-" + "x".repeat(42),
                "services[1].cloudRunName", "at most 49 characters"));
        cases.add(replace("Cloud Run name too long once suffixed", "cloudRunName: habits-service", "cloudRunName: habits-" + "x".repeat(36),
                "services[2].cloudRunName", "in staging"));
        cases.add(replace("job name ending in a hyphen", "job: migrate-habits", "job: migrate-habits-", "migrations[1].job", "Invalid Cloud Run job name"));
        cases.add(replace("service name starting with a digit", "name: agent", "name: 1agent", "services[0].name", "starting with a letter"));
        cases.add(replace("project id with capitals", "id: mindmirror-staging", "id: MindMirror_Staging", "environments.staging.project.id", "Invalid GCP project id"));
        cases.add(replace("project id too short", "id: mindmirror-69", "id: mm", "environments.production.project.id", "6 to 30"));
        cases.add(replace("project number with letters", "number: \"1234567890\"", "number: \"12ab\"", "environments.staging.project.number", "digits only"));
        cases.add(replace("registry on the wrong host", "registry: us-east4-docker.pkg.dev/mindmirror-staging/mindmirror", "registry: docker.io/mindmirror/staging",
                "environments.staging.registry", "<region>-docker.pkg.dev/<project>/<repository>"));
        cases.add(replace("registry without repository", "registry: us-east4-docker.pkg.dev/mindmirror-69/mindmirror", "registry: us-east4-docker.pkg.dev/mindmirror-69",
                "environments.production.registry", "Invalid Artifact Registry path"));
        cases.add(replace("region in capitals", "region: us-east4\n    registry: us-east4-docker.pkg.dev/mindmirror-staging", "region: US-EAST4\n    registry: us-east4-docker.pkg.dev/mindmirror-staging",
                "environments.staging.region", "a GCP region"));
        cases.add(replace("secret id with a space", "serviceUrlsSecret: service-urls-staging", "serviceUrlsSecret: service urls",
                "environments.staging.serviceUrlsSecret", "Invalid secret name"));
        cases.add(replace("suffix with underscore", "serviceNameSuffix: -staging", "serviceNameSuffix: _staging", "environments.staging.serviceNameSuffix", "-staging"));
        cases.add(replace("health path without slash", "path: /healthcheck", "path: healthcheck", "gateway.health.path", "starting with '/'"));
        cases.add(replace("health attempts out of range", "attempts: 3", "attempts: 99", "gateway.health.attempts", "from 1 to 20"));
        cases.add(replace("zero gate timeout", "timeoutMinutes: 60", "timeoutMinutes: 0", "environments.production.approval.timeoutMinutes", "Value out of range"));
        cases.add(replace("image name with capitals", "image: agent-service", "image: Agent-Service", "services[0].image", "an image name"));
        cases.add(replace("tofu target that is not an address", "tofuTarget: google_cloud_run_v2_service.gateway", "tofuTarget: gateway", "gateway.tofuTarget", "module.gateway"));
        cases.add(replace("config version 2", "version: 1", "version: 2", "version", "from 1 to 1"));
        cases.add(replace("environment name with capitals", "  staging:\n    branch: staging", "  Staging:\n    branch: staging", "environments.Staging", "Invalid name \"Staging\""));
        cases.add(replace("build arg name with a hyphen", "  build:\n    context: mesh", "  build:\n    context: mesh\n    args:\n      NODE-ENV: production",
                "gateway.build.args.NODE-ENV", "build arg name"));
        cases.add(replace("build arg as a float", "  build:\n    context: mesh", "  build:\n    context: mesh\n    args:\n      PY: 3.10", "gateway.build.args.PY", "quote it"));
        // broken references and duplicates
        cases.add(replace("duplicate service name", "  - name: journal", "  - name: agent", "services[1].name", "Duplicate service name \"agent\""));
        cases.add(replace("gateway arg names an unknown service", "USERS_SERVICE_URL: users", "USERS_SERVICE_URL: user",
                "gateway.serviceUrlArgs.USERS_SERVICE_URL", "Did you mean \"users\"?"));
        cases.add(replace("migration of an unknown service", "    service: habits\n    timeoutSeconds: 600", "    service: habit\n    timeoutSeconds: 600",
                "migrations[1].service", "unknown service \"habit\""));
        cases.add(replace("duplicate migration job", "job: migrate-habits", "job: migrate-main", "migrations[1].job", "Duplicate migration job"));
        cases.add(replace("two images in one tfvars variable", "tfvarsVariable: users_service_container_image", "tfvarsVariable: agent_service_container_image",
                "services[6].tfvarsVariable", "Duplicate tfvars variable"));
        cases.add(replace("gateway named like a service", "  name: mesh", "  name: users", "gateway.name", "also a service name"));
        cases.add(replace("duplicate YAML key", "    region: us-east4\n    registry: us-east4-docker.pkg.dev/mindmirror-69",
                "    region: us-east4\n    region: us-east1\n    registry: us-east4-docker.pkg.dev/mindmirror-69", "region", "Duplicate key \"region\""));
        cases.add(replace("unknown gate", "gates: [services, gateway]", "gates: [services, gateways]", "environments.production.approval.gates[1]", "Did you mean \"gateway\"?"));
        cases.add(replace("four-eyes without a gate", "      gates: []\n", "      gates: []\n      fourEyes: true\n", "environments.staging.approval.fourEyes", "needs at least one gate"));
        cases.add(replace("tag format without the commit", "    serviceNameSuffix: -staging\n", "    serviceNameSuffix: -staging\n    tags:\n      format: \"{branch}\"\n",
                "environments.staging.tags.format", "not unique per commit"));
        cases.add(replace("tag format with an unknown placeholder", "    serviceNameSuffix: -staging\n", "    serviceNameSuffix: -staging\n    tags:\n      format: \"{branch}-{commit}\"\n",
                "environments.staging.tags.format", "Invalid image tag template"));
        cases.add(replace("no services", "services:\n  - name: agent", "services: []\nold:\n  - name: agent", "services", "at least one service"));
        cases.add(replace("no environments", "environments:\n  staging:", "environments: {}\nold:\n  staging:", "environments", "at least one environment"));
        // paths
        cases.add(replace("context outside the repo", "  build:\n    context: mesh", "  build:\n    context: ../outside", "gateway.build.context", "stays inside it"));
        cases.add(replace("absolute tofu dir", "      dir: infra\n      varFiles: [infra/environments/staging", "      dir: /etc\n      varFiles: [infra/environments/staging",
                "environments.staging.tofu.dir", "no leading '/'"));
        cases.add(replace("Dockerfile that is not there", "dockerfile: services/agent/Dockerfile", "dockerfile: services/agent/Dockerfil",
                "services[0].build.dockerfile", "Path not found: services/agent/Dockerfil"));
        cases.add(replace("var file that is not there", "varFiles: [infra/environments/production.auto.tfvars]", "varFiles: [infra/environments/prod.auto.tfvars]",
                "environments.production.tofu.varFiles[0]", "Path not found"));
        cases.add(replace("backend config that is not there", "backendConfig: infra/environments/staging.backend.hcl", "backendConfig: infra/staging.backend.hcl",
                "environments.staging.tofu.backendConfig", "Path not found"));
        cases.add(replace("no var files", "varFiles: [infra/environments/staging.auto.tfvars]", "varFiles: []", "environments.staging.tofu.varFiles", "at least one file"));
        // whole files that are not configs
        cases.add(whole("empty file", "", "", "Empty config file"));
        cases.add(whole("comments only", "# nothing here yet\n", "", "Empty config file"));
        cases.add(whole("a list at the top", "- app: mindmirror\n", "", "Config is not a mapping"));
        cases.add(whole("plain prose", "Deploy MindMirror to Cloud Run, please.\n", "", "found a string"));
        cases.add(whole("not text", "\u0000\u0001binary\u0000", "", "not UTF-8 text"));
        cases.add(whole("YAML syntax error", "app: mindmirror\nservices: [\n  - name: agent\n", "", "Invalid YAML"));
        cases.add(whole("tab indentation", "app: mindmirror\nservices:\n\t- name: agent\n", "", "Invalid YAML"));
        cases.add(whole("two documents", "app: a\n---\napp: b\n", "", "More than one YAML document"));
        cases.add(whole("deeply nested", "app: " + "[".repeat(60) + "]".repeat(60) + "\n", "", "nested too deeply"));
        // Aliases are not expanded into collections, so a "billion laughs" document is refused at once, for its keys.
        // delivery checks: workers, smoke tests, notifications
        cases.add(replace("the gateway names the worker", "    USERS_SERVICE_URL: users\n", "    USERS_SERVICE_URL: users\n    WORKER_URL: celery-worker\n",
                "gateway.serviceUrlArgs.WORKER_URL", "names the worker \"celery-worker\", which has no URL"));
        cases.add(replace("smoke tests on the worker", "    health:\n      kind: ready\n",
                "    health:\n      kind: ready\n    smokeTests:\n      - name: ping\n        path: /ping\n",
                "services[7].smokeTests", "there is no URL to send a smoke test to"));
        cases.add(replace("a health path on the worker", "      kind: ready\n", "      kind: ready\n      path: /health\n",
                "services[7].health.path", "sends no request"));
        cases.add(replace("unknown health kind", "      kind: ready\n", "      kind: redy\n", "services[7].health.kind", "Did you mean \"ready\"?"));
        cases.add(replace("smoke test method unknown", "      method: POST\n", "      method: FETCH\n", "gateway.smokeTests[0].method",
                "one of GET, POST, PUT, PATCH, DELETE, HEAD"));
        cases.add(replace("smoke test status out of range", "        status: 200\n", "        status: 700\n", "gateway.smokeTests[0].expect.status",
                "from 100 to 599"));
        cases.add(replace("smoke test pointer without a slash", "          - path: /errors\n", "          - path: errors\n",
                "gateway.smokeTests[0].expect.json[1].path", "a JSON Pointer such as /data/__typename"));
        cases.add(replace("smoke header secret with a space", "{secret: mesh-smoke-token,", "{secret: mesh smoke token,",
                "gateway.smokeTests[0].headers.Authorization.secret", "a Secret Manager secret id"));
        cases.add(replace("webhook without a URL source", "    approval:\n      gates: []\n", "    approval:\n      gates: []\n    notify:\n      - format: slack\n",
                "environments.staging.notify[0]", "A webhook needs exactly one URL source"));
        cases.add(replace("webhook event unknown", "    approval:\n      gates: []\n",
                "    approval:\n      gates: []\n    notify:\n      - urlSecret: deploys-webhook\n        on: [succeeded, rolledback]\n",
                "environments.staging.notify[0].on[1]", "Did you mean \"rolled-back\"?"));
        cases.add(whole("alias bomb", aliasBomb(), "a", "Unknown key \"a\""));
        cases.add(whole("oversized file", "app: mindmirror\n# " + "x".repeat(ConfigLoader.MAX_BYTES) + "\n", "", "Config file too large"));
        cases.add(new Case("no config file", repo -> {
            try {
                java.nio.file.Files.delete(repo.config());
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }, "", "Config file not found"));
        return cases;
    }

    private static String aliasBomb() {
        StringBuilder out = new StringBuilder("a: &a [x, x, x, x, x, x, x, x, x]\n");
        char prev = 'a';
        for (char c = 'b'; c <= 'j'; c++) {
            out.append(c).append(": &").append(c).append(" [");
            for (int i = 0; i < 9; i++) {
                out.append(i == 0 ? "" : ", ").append('*').append(prev);
            }
            out.append("]\n");
            prev = c;
        }
        return out.toString();
    }
}
