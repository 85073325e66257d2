package io.mmdeploy.engine.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.mmdeploy.engine.port.local.LocalWorkspace;
import io.mmdeploy.engine.testing.ExampleRepo;
import io.mmdeploy.engine.tofu.tfvars.TfvarsDocument;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The example's OpenTofu configuration defines every migration job its mm-deploy.yaml names, so a config and
 * an infra that drift apart fail the build rather than the first deploy (the run-migrations step executes
 * jobs by name and would find none). Read textually: the google provider cannot be loaded in a test.
 */
class ExampleInfraTest {
    private static final String MAIN_TF = "infra/main.tf";

    @TempDir
    Path dir;

    @Test
    void everyMigrationOfTheConfigHasItsCloudRunJobInEveryEnvironment() {
        ExampleRepo repo = ExampleRepo.copyInto(dir);
        assertThat(mismatches(repo)).isEmpty();

        // Not vacuous: the jobs are really read, with their names per environment and their images.
        DeployConfig config = load(repo);
        assertThat(jobs(repo, config.environment("staging")))
                .containsEntry("migrate-main-staging", new Job("migrate-main-staging", "var.users_service_container_image", "0", "900s"))
                .containsEntry("migrate-habits-staging", new Job("migrate-habits-staging", "var.habits_service_container_image", "0", "600s"));
        assertThat(jobs(repo, config.environment("production"))).containsOnlyKeys("migrate-main", "migrate-habits");
    }

    static Stream<Arguments> drifts() {
        return Stream.of(
                drift("a job running another service's image",
                        r -> r.replace(MAIN_TF, "\"migrate-habits\" = { image = var.habits_service_container_image",
                                "\"migrate-habits\" = { image = var.users_service_container_image"),
                        "migrate-habits runs var.users_service_container_image, but its service habits' image is var.habits_service_container_image"),
                drift("a job name without the environment's suffix",
                        r -> r.replace(MAIN_TF, "name     = \"${each.key}${var.service_name_suffix}\"\n  location = var.region\n  template {\n    task_count",
                                "name     = each.key\n  location = var.region\n  template {\n    task_count"),
                        "staging: no google_cloud_run_v2_job named migrate-main-staging"),
                drift("a job renamed in the infra only",
                        r -> r.replace(MAIN_TF, "\"migrate-habits\" = {", "\"migrate-habit\" = {"),
                        "production: no google_cloud_run_v2_job named migrate-habits"),
                drift("a migration added to the config only",
                        r -> r.replace(ExampleRepo.CONFIG, "migrations:\n", "migrations:\n  - job: migrate-journal\n    database: journal\n    service: journal\n"),
                        "staging: no google_cloud_run_v2_job named migrate-journal-staging"),
                drift("a job that retries",
                        r -> r.replace(MAIN_TF, "max_retries = 0", "max_retries = 3"),
                        "migrate-main-staging has max_retries = 3"),
                drift("a task timeout shorter than the config's",
                        r -> r.replace(MAIN_TF, "timeout = \"900s\"", "timeout = \"300s\""),
                        "migrate-main-staging has timeout = 300s, but migrations[].timeoutSeconds gives 900s"),
                drift("a var file whose suffix is not the config's",
                        r -> r.replace("infra/environments/staging.auto.tfvars", "service_name_suffix  = \"-staging\"", "service_name_suffix  = \"-stg\""),
                        "staging: no google_cloud_run_v2_job named migrate-main-staging"),
                drift("no migration jobs at all",
                        r -> r.replace(MAIN_TF, "resource \"google_cloud_run_v2_job\" \"migration\"", "resource \"google_cloud_run_v2_service\" \"migration\""),
                        "staging: no google_cloud_run_v2_job named migrate-main-staging in infra (found none)"));
    }

    private static Arguments drift(String name, Consumer<ExampleRepo> change, String expected) {
        return Arguments.of(name, change, expected);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("drifts")
    void aConfigAndAnInfraThatDisagreeAreCaught(String name, Consumer<ExampleRepo> change, String expected) {
        ExampleRepo repo = ExampleRepo.copyInto(dir);
        change.accept(repo);
        assertThat(mismatches(repo)).as(name).anySatisfy(m -> assertThat(m).contains(expected));
    }

    // ---- the check

    record Job(String name, String image, String maxRetries, String timeout) {}

    private static DeployConfig load(ExampleRepo repo) {
        return new ConfigLoader(new LocalWorkspace(repo.root())).load(ExampleRepo.CONFIG).config();
    }

    private static List<String> mismatches(ExampleRepo repo) {
        DeployConfig config = load(repo);
        List<String> out = new ArrayList<>();
        for (EnvironmentSpec env : config.environments().values()) {
            Map<String, Job> jobs = jobs(repo, env);
            for (MigrationSpec m : config.migrations()) {
                String want = m.cloudRunJob(env);
                Job job = jobs.get(want);
                if (job == null) {
                    out.add(env.name() + ": no google_cloud_run_v2_job named " + want + " in " + env.tofu().dir()
                            + " (found " + (jobs.isEmpty() ? "none" : String.join(", ", jobs.keySet())) + ")");
                    continue;
                }
                ServiceSpec service = config.service(m.service()).orElseThrow();
                String image = "var." + service.tfvarsVariable();
                if (!image.equals(job.image())) {
                    out.add(env.name() + ": " + m.job() + " runs " + job.image() + ", but its service " + service.name() + "' image is " + image);
                }
                if (!"0".equals(job.maxRetries())) {
                    out.add(env.name() + ": " + want + " has max_retries = " + job.maxRetries() + "; a migration must not be retried blindly");
                }
                String timeout = m.timeout().toSeconds() + "s";
                if (!timeout.equals(job.timeout())) {
                    out.add(env.name() + ": " + want + " has timeout = " + job.timeout() + ", but migrations[].timeoutSeconds gives " + timeout);
                }
            }
        }
        return out;
    }

    /** The environment's Cloud Run jobs by evaluated name, with var.* taken from variables.tf defaults and its var files. */
    private static Map<String, Job> jobs(ExampleRepo repo, EnvironmentSpec env) {
        Hcl.Body tf = Hcl.parse(tfText(repo.root().resolve(env.tofu().dir())));
        Map<String, String> vars = new LinkedHashMap<>();
        for (Hcl.Block v : tf.blocks("variable")) {
            Optional.ofNullable(v.body().attrs().get("default")).flatMap(Hcl::stringLiteral).ifPresent(d -> vars.put(v.labels().get(0), d));
        }
        for (String file : env.tofu().varFiles()) {
            vars.putAll(TfvarsDocument.parse(file, repo.read(file)).strings());
        }
        Map<String, Hcl.Body> locals = new LinkedHashMap<>();
        for (Hcl.Block l : tf.blocks("locals")) {
            l.body().attrs().forEach((k, v) -> {
                if (v.startsWith("{")) {
                    locals.put(k, Hcl.parseObject(v));
                }
            });
        }
        Map<String, Job> out = new LinkedHashMap<>();
        for (Hcl.Block r : tf.blocks("resource")) {
            if (!r.labels().get(0).equals("google_cloud_run_v2_job")) {
                continue;
            }
            String forEach = r.body().attrs().get("for_each");
            Map<String, Hcl.Body> instances = new LinkedHashMap<>();
            if (forEach == null) {
                instances.put(null, null);
            } else if (forEach.startsWith("local.") && locals.containsKey(forEach.substring(6))) {
                locals.get(forEach.substring(6)).attrs().forEach((k, v) -> instances.put(k, Hcl.parseObject(v)));
            } else {
                throw new AssertionError("cannot read for_each = " + forEach + " of " + r.labels());
            }
            Hcl.Body task = r.body().only("template").only("template");
            Hcl.Body container = task.only("containers");
            instances.forEach((key, value) -> {
                Hcl.Scope scope = new Hcl.Scope(key, value, vars);
                String name = scope.string(r.body().attrs().get("name"));
                out.put(name, new Job(name, scope.resolve(container.attrs().get("image")),
                        scope.resolve(task.attrs().get("max_retries")), scope.string(task.attrs().get("timeout"))));
            });
        }
        return out;
    }

    private static String tfText(Path tofuDir) {
        try (Stream<Path> files = Files.list(tofuDir)) {
            StringBuilder text = new StringBuilder();
            for (Path f : files.filter(p -> p.toString().endsWith(".tf")).sorted().toList()) {
                text.append(Files.readString(f)).append('\n');
            }
            return text.toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Just enough of HCL's native syntax to read main.tf's structure: blocks, attributes whose expressions are
     * kept as text, objects, and string templates over each.* and var.* references.
     */
    static final class Hcl {
        record Block(String type, List<String> labels, Body body) {}

        record Body(Map<String, String> attrs, List<Block> children) {
            List<Block> blocks(String type) {
                return children.stream().filter(b -> b.type().equals(type)).toList();
            }

            Body only(String type) {
                List<Block> found = blocks(type);
                assertThat(found).as("blocks " + type).hasSize(1);
                return found.get(0).body();
            }
        }

        /** for_each's each.key and each.value, and the input variables. */
        record Scope(String key, Body value, Map<String, String> vars) {
            private static final Pattern INTERPOLATION = Pattern.compile("\\$\\{([^}]*)}");

            /** Follows each.* to the expression it stands for; anything else is returned as written. */
            String resolve(String expr) {
                if (expr == null) {
                    return null;
                }
                if (expr.equals("each.key") && key != null) {
                    return "\"" + key + "\"";
                }
                if (expr.startsWith("each.value.") && value != null) {
                    String attr = expr.substring("each.value.".length());
                    assertThat(value.attrs()).as("each.value of " + key).containsKey(attr);
                    return resolve(value.attrs().get(attr));
                }
                return expr;
            }

            /** The value of a string expression: a literal, a template, or a reference to one. */
            String string(String expr) {
                String e = resolve(expr);
                if (e == null) {
                    return null;
                }
                if (e.startsWith("var.")) {
                    assertThat(vars).as("variables").containsKey(e.substring(4));
                    return vars.get(e.substring(4));
                }
                assertThat(e).as("a string expression").startsWith("\"").endsWith("\"");
                Matcher m = INTERPOLATION.matcher(e.substring(1, e.length() - 1));
                StringBuilder out = new StringBuilder();
                while (m.find()) {
                    m.appendReplacement(out, Matcher.quoteReplacement(string(m.group(1).trim())));
                }
                m.appendTail(out);
                return out.toString();
            }
        }

        static Optional<String> stringLiteral(String expr) {
            return expr.startsWith("\"") && expr.endsWith("\"") && !expr.contains("${")
                    ? Optional.of(expr.substring(1, expr.length() - 1))
                    : Optional.empty();
        }

        static Body parse(String text) {
            Hcl p = new Hcl(text);
            Body body = p.body();
            assertThat(p.pos).as("parsed to the end").isEqualTo(text.length());
            return body;
        }

        /** An object expression {@code { k = v, "k" = v }} as a body. */
        static Body parseObject(String expr) {
            Hcl p = new Hcl(expr.trim());
            p.expect('{');
            return p.body();
        }

        private final String s;
        private int pos;

        private Hcl(String s) {
            this.s = s;
        }

        private Body body() {
            Map<String, String> attrs = new LinkedHashMap<>();
            List<Block> children = new ArrayList<>();
            while (true) {
                skipSpace(true);
                if (pos >= s.length()) {
                    return new Body(attrs, children);
                }
                if (s.charAt(pos) == '}') {
                    pos++;
                    return new Body(attrs, children);
                }
                if (s.charAt(pos) == ',') {
                    pos++;
                    continue;
                }
                String name = word();
                skipSpace(false);
                if (s.charAt(pos) == '=' || s.charAt(pos) == ':') {
                    pos++;
                    attrs.put(name, expression());
                } else {
                    List<String> labels = new ArrayList<>();
                    while (s.charAt(pos) != '{') {
                        labels.add(word());
                        skipSpace(false);
                    }
                    pos++;
                    children.add(new Block(name, labels, body()));
                }
            }
        }

        /** An identifier or a quoted string (unquoted). */
        private String word() {
            int start = pos;
            if (s.charAt(pos) == '"') {
                skipString();
                return s.substring(start + 1, pos - 1);
            }
            while (pos < s.length() && (Character.isLetterOrDigit(s.charAt(pos)) || s.charAt(pos) == '_' || s.charAt(pos) == '-')) {
                pos++;
            }
            assertThat(pos).as("a name at offset " + start + ": " + s.substring(start, Math.min(s.length(), start + 30))).isGreaterThan(start);
            return s.substring(start, pos);
        }

        /** The text of an expression, up to the end of its line or a ',' / '}' outside brackets. */
        private String expression() {
            skipSpace(false);
            int start = pos;
            int depth = 0;
            while (pos < s.length()) {
                char c = s.charAt(pos);
                if (c == '"') {
                    skipString();
                    continue;
                }
                if (depth == 0 && (c == '\n' || c == ',' || c == '}' || c == '#' || s.startsWith("//", pos))) {
                    break;
                }
                if (c == '{' || c == '[' || c == '(') {
                    depth++;
                } else if (c == '}' || c == ']' || c == ')') {
                    depth--;
                }
                pos++;
            }
            return s.substring(start, pos).trim();
        }

        /** Past a quoted string, including any ${...} in it. */
        private void skipString() {
            pos++;
            int interpolation = 0;
            while (pos < s.length()) {
                char c = s.charAt(pos++);
                if (c == '\\') {
                    pos++;
                } else if (c == '$' && pos < s.length() && s.charAt(pos) == '{') {
                    interpolation++;
                    pos++;
                } else if (c == '}' && interpolation > 0) {
                    interpolation--;
                } else if (c == '"' && interpolation == 0) {
                    return;
                }
            }
            throw new AssertionError("unterminated string");
        }

        private void skipSpace(boolean newlines) {
            while (pos < s.length()) {
                char c = s.charAt(pos);
                if (c == ' ' || c == '\t' || c == '\r' || (newlines && c == '\n')) {
                    pos++;
                } else if (newlines && (c == '#' || s.startsWith("//", pos))) {
                    while (pos < s.length() && s.charAt(pos) != '\n') {
                        pos++;
                    }
                } else if (s.startsWith("/*", pos)) {
                    int end = s.indexOf("*/", pos + 2);
                    pos = end < 0 ? s.length() : end + 2;
                } else {
                    return;
                }
            }
        }

        private void expect(char c) {
            skipSpace(true);
            assertThat(s.charAt(pos)).isEqualTo(c);
            pos++;
        }
    }
}
