package io.mmdeploy.engine.tofu.tfvars;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mmdeploy.engine.diagnostics.DeployException;
import io.mmdeploy.engine.port.LogEvent;
import io.mmdeploy.engine.port.StageLog;
import io.mmdeploy.engine.port.local.LocalWorkspace;
import io.mmdeploy.engine.testing.RealTofuBinary;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ImageVarsWriterTest {
    static final String D1 = "sha256:" + "a".repeat(64);
    static final String D2 = "sha256:" + "0123456789abcdef".repeat(4);
    static final String AGENT = "us-east4-docker.pkg.dev/mm-staging/mindmirror/agent-service:rel-42@" + D1;
    static final String USERS = "us-east4-docker.pkg.dev/mm-staging/mindmirror/users-service@" + D2;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One tricky file: its text, what is set, and (optionally) the exact text expected after. */
    record Case(String name, String text, Map<String, String> set, String expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> trickyFiles() {
        return Stream.of(
                new Case("hash comments and aligned equals", """
                        # staging, by hand except the image lines
                        project_id  = "mm-staging"   # project
                        agent_image = "registry/agent:initial" # rewritten by mm-deploy
                        users_image = "registry/users:initial"
                        """, Map.of("agent_image", AGENT, "users_image", USERS), """
                        # staging, by hand except the image lines
                        project_id  = "mm-staging"   # project
                        agent_image = "%s" # rewritten by mm-deploy
                        users_image = "%s"
                        """.formatted(AGENT, USERS)),
                new Case("slash comments and a block comment that looks like the key", """
                        // images
                        /* agent_image = "commented-out"
                           users_image = "also commented" */
                        agent_image = "old" // trailing
                        """, Map.of("agent_image", AGENT), """
                        // images
                        /* agent_image = "commented-out"
                           users_image = "also commented" */
                        agent_image = "%s" // trailing
                        """.formatted(AGENT)),
                new Case("CRLF line ends everywhere", "# crlf\r\nregion = \"us-east4\"\r\nagent_image = \"old\"\r\nreplicas = 2\r\n",
                        Map.of("agent_image", AGENT),
                        "# crlf\r\nregion = \"us-east4\"\r\nagent_image = \"" + AGENT + "\"\r\nreplicas = 2\r\n"),
                new Case("CRLF file gets a CRLF appended line", "region = \"us-east4\"\r\n# no image yet\r\n",
                        Map.of("agent_image", AGENT),
                        "region = \"us-east4\"\r\n# no image yet\r\nagent_image = \"" + AGENT + "\"\r\n"),
                new Case("tabs for alignment and inside values", "region\t\t= \"us\\teast\"\nagent_image\t= \"old\"\t# tab\n",
                        Map.of("agent_image", AGENT),
                        "region\t\t= \"us\\teast\"\nagent_image\t= \"" + AGENT + "\"\t# tab\n"),
                new Case("heredocs elsewhere, one holding a line that looks like the key", """
                        startup = <<EOT
                        agent_image = "inside a heredoc"
                        $${literal}
                        EOT
                        agent_image = "old"
                        motd = <<-EOT
                            indented
                              more
                            EOT
                        """, Map.of("agent_image", AGENT), null),
                new Case("same key inside a map stays", """
                        images = {
                          agent_image = "nested, not top-level"
                          "users_image": "quoted key"
                        }
                        agent_image = "old"
                        """, Map.of("agent_image", AGENT, "users_image", USERS), null),
                new Case("other values with escaped template introducers", """
                        greeting = "Hello $${name}, 100%% {ok} and %%{if}"
                        agent_image = "old"
                        dollar = "$5 and $$"
                        """, Map.of("agent_image", AGENT), null),
                new Case("quotes and backslashes in other values", """
                        path = "C:\\\\deploy\\\\mm \\"prod\\""
                        agent_image = "has \\"quotes\\" and \\\\"
                        """, Map.of("agent_image", AGENT), null),
                new Case("unicode text and escapes", """
                        team = "café ☕ 日本 👩‍💻"
                        escaped = "\\u00e9\\U0001F600"
                        agent_image = "old-ünïcode"
                        """, Map.of("agent_image", AGENT), null),
                new Case("missing key appended after a last line without newline", "region = \"us-east4\" # last, no newline",
                        Map.of("agent_image", AGENT),
                        "region = \"us-east4\" # last, no newline\nagent_image = \"" + AGENT + "\"\n"),
                new Case("empty file", "", Map.of("agent_image", AGENT, "users_image", USERS), null),
                new Case("current value is a heredoc", "agent_image = <<EOT\nold\nEOT\nafter = 1\n",
                        Map.of("agent_image", AGENT), "agent_image = \"" + AGENT + "\"\nafter = 1\n"),
                new Case("hash and slashes inside the old string with a trailing comment", """
                        agent_image = "old#not-a-comment // nor this" # real comment "quoted"
                        """, Map.of("agent_image", AGENT), """
                        agent_image = "%s" # real comment "quoted"
                        """.formatted(AGENT)),
                new Case("block comment between equals and value", "agent_image = /* pinned by hand */ \"old\"\n",
                        Map.of("agent_image", AGENT), "agent_image = /* pinned by hand */ \"" + AGENT + "\"\n"),
                new Case("lists and nested maps with trailing commas and colons", """
                        zones = [
                          "a", # first
                          "b",
                        ]
                        labels = {
                          team: "core",
                          tiers = { web = 1, db = 2.5 }
                        }
                        agent_image = "old"
                        flags = [true, false, null]
                        """, Map.of("agent_image", AGENT), null),
                new Case("already current value is left alone", "agent_image = \"" + AGENT + "\"  # keep\n",
                        Map.of("agent_image", AGENT), "agent_image = \"" + AGENT + "\"  # keep\n"));
    }

    @TempDir
    Path dir;
    private final List<LogEvent> events = new ArrayList<>();

    private static RealParser real;

    @BeforeAll
    static void startRealParser(@TempDir Path tofuDir) throws Exception {
        real = RealTofuBinary.onPath().map(bin -> new RealParser(bin, tofuDir)).orElse(null);
        if (real == null) {
            System.out.println("ImageVarsWriterTest: no tofu/terraform on the PATH; files are checked by our reader only");
        } else {
            real.init(trickyFiles().toList());
        }
    }

    @AfterAll
    static void report() {
        if (real != null) {
            System.out.println("ImageVarsWriterTest: " + real.checked + " files reparsed by " + real.binary);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("trickyFiles")
    void writesImageReferencesPreservingEverythingElse(Case c) throws Exception {
        LocalWorkspace ws = new LocalWorkspace(dir);
        ws.writeText("infra/env/staging.auto.tfvars", c.text());
        TfvarsDocument before = TfvarsDocument.parse("before", c.text());

        TfvarsChange change = new ImageVarsWriter(ws, new StageLog(events::add, "tfvars"))
                .write("infra/env/staging.auto.tfvars", new LinkedHashMap<>(new java.util.TreeMap<>(c.set())));

        String after = ws.readText("infra/env/staging.auto.tfvars").orElseThrow();
        if (c.expected() != null) {
            assertThat(after).isEqualTo(c.expected());
        }
        // Every line that does not carry a written variable is byte-for-byte the same, in the same order
        // (a multi-line old value is checked by its exact expected text instead).
        boolean singleLineValues = before.attributes().stream().filter(a -> c.set().containsKey(a.name()))
                .noneMatch(a -> c.text().substring(a.valueStart(), a.valueEnd()).contains("\n"));
        if (singleLineValues) assertThat(linesWithout(after, c.set().keySet())).isEqualTo(linesWithout(c.text(), c.set().keySet()));
        TfvarsDocument doc = TfvarsDocument.parse("after", after);
        c.set().forEach((k, v) -> assertThat(doc.string(k)).as(k).contains(v));
        for (TfvarsAttribute a : before.attributes()) {
            if (!c.set().containsKey(a.name())) {
                assertThat(doc.attribute(a.name()).orElseThrow().value()).as(a.name()).isEqualTo(a.value());
            }
        }
        long changed = c.set().entrySet().stream().filter(e -> !before.string(e.getKey()).filter(e.getValue()::equals).isPresent()).count();
        assertThat(change.entries()).hasSize((int) changed);
        if (real != null) {
            real.assertSameValues(c.name(), after, doc);
        }
    }

    @Test
    void anyTextRoundTripsThroughTheEncoderIncludingTemplateIntroducers() throws Exception {
        Map<String, String> values = new LinkedHashMap<>();
        values.put("interp", "${var.x} and %{ if true }y%{ endif }");
        values.put("escaped_already", "$${not} %%{this} $$${three}");
        values.put("quotes", "she said \"hi\" \\ back\\slash \\n not a newline");
        values.put("controls", "line1\nline2\r\n\ttab \u0001 bell\u0007");
        values.put("unicode", "é ☕ 😀 \u2028 end");
        values.put("dollars", "$ $$ % %% {} $");
        String text = "# keep me\nother = 1\ninterp = \"old\"\n";
        String written = TfvarsDocument.parse("t", text).withStrings(values);
        TfvarsDocument doc = TfvarsDocument.parse("t", written);
        values.forEach((k, v) -> assertThat(doc.string(k)).as(k).contains(v));
        assertThat(written).startsWith("# keep me\nother = 1\ninterp = \"$${var.x} and %%{ if true }y%%{ endif }\"\n");
        if (real != null) {
            real.assertSameValues("encoder", written, doc);
        }
    }

    @Test
    void refusesReferencesThatAreNotByDigestBeforeTouchingTheFile() throws Exception {
        LocalWorkspace ws = new LocalWorkspace(dir);
        ws.writeText("s.auto.tfvars", "agent_image = \"old\"\n");
        ImageVarsWriter writer = new ImageVarsWriter(ws, new StageLog(events::add, "tfvars"));
        for (String bad : List.of("registry/agent:latest", "registry/agent@sha256:abc", "Registry/Agent@" + D1,
                "registry/agent@" + D1 + "\"\nx = \"${var.y}", "")) {
            assertThatThrownBy(() -> writer.write("s.auto.tfvars", Map.of("agent_image", bad)))
                    .isInstanceOf(DeployException.class)
                    .hasMessageContaining("Image reference is not by digest")
                    .hasMessageContaining("agent_image");
        }
        assertThatThrownBy(() -> writer.write("s.auto.tfvars", Map.of("bad name", AGENT)))
                .hasMessageContaining("Invalid tfvars variable name");
        assertThatThrownBy(() -> writer.write("missing.auto.tfvars", Map.of("agent_image", AGENT)))
                .hasMessageContaining("Var file not found").hasMessageContaining("missing.auto.tfvars");
        assertThat(ws.exists("missing.auto.tfvars")).isFalse();
        assertThat(ws.readText("s.auto.tfvars")).contains("agent_image = \"old\"\n");
        assertThat(ImageVarsWriter.IMAGE_BY_DIGEST.matcher("localhost:5000/a/b_c/d-e@" + D2).matches()).isTrue();
    }

    @Test
    void refusesAFileThatIsNotLiteralTfvarsAndLeavesItAlone() throws Exception {
        LocalWorkspace ws = new LocalWorkspace(dir);
        String text = "agent_image = \"old\"\nregion = var.region\n";
        ws.writeText("s.auto.tfvars", text);
        assertThatThrownBy(() -> new ImageVarsWriter(ws, new StageLog(events::add, "tfvars"))
                        .write("s.auto.tfvars", Map.of("agent_image", AGENT)))
                .isInstanceOf(DeployException.class)
                .hasMessageContaining("Variables not allowed")
                .hasMessageContaining("s.auto.tfvars:2:10");
        assertThat(ws.readText("s.auto.tfvars")).contains(text);
    }

    @Test
    void aWriteThatDoesNotReadBackIsReportedNotTrusted() throws Exception {
        // A workspace that mangles what it stores stands for any host-side corruption between write and read.
        LocalWorkspace disk = new LocalWorkspace(dir);
        disk.writeText("s.auto.tfvars", "region = \"x\"\nagent_image = \"old\"\n");
        io.mmdeploy.engine.port.Workspace lossy = new io.mmdeploy.engine.port.Workspace() {
            public Optional<String> readText(String p) throws IOException { return disk.readText(p); }
            public long size(String p) throws IOException { return disk.size(p); }
            public void writeText(String p, String t) throws IOException { disk.writeText(p, t.replace("region = \"x\"", "region = \"y\"")); }
            public boolean exists(String p) { return disk.exists(p); }
            public Optional<String> sha256(String p) throws IOException { return disk.sha256(p); }
            public List<String> list(String d) throws IOException { return disk.list(d); }
            public boolean isDirectory(String p) { return disk.isDirectory(p); }
            public Optional<byte[]> readBytes(String p) throws IOException { return disk.readBytes(p); }
            public boolean isExecutable(String p) { return disk.isExecutable(p); }
            public String describe() { return "lossy"; }
        };
        assertThatThrownBy(() -> new ImageVarsWriter(lossy, new StageLog(events::add, "tfvars"))
                        .write("s.auto.tfvars", Map.of("agent_image", AGENT)))
                .hasMessageContaining("did not round-trip")
                .hasMessageContaining("region changed from x to y");
    }

    @Test
    void theChangeCanBeCommittedAloneWithAMessageNamingEnvironmentAndRelease() throws Exception {
        io.mmdeploy.engine.testing.ExampleRepo repo = io.mmdeploy.engine.testing.ExampleRepo.gitRepoInto(dir, "staging");
        repo.edit("infra/main.tf", t -> t + "\n# a local edit that must stay uncommitted\n");
        LocalWorkspace ws = new LocalWorkspace(repo.root());
        TfvarsChange change = new ImageVarsWriter(ws, new StageLog(events::add, "tfvars"))
                .write("infra/environments/staging.auto.tfvars", Map.of("agent_service_container_image", AGENT));
        try (io.mmdeploy.engine.source.GitRepository git = io.mmdeploy.engine.source.GitRepository.find(repo.root()).orElseThrow()) {
            String id = git.commitFile(change.file(), change.commitMessage("staging", "rel-42")).orElseThrow();
            assertThat(git.commitFile(change.file(), change.commitMessage("staging", "rel-42"))).isEmpty();
            try (org.eclipse.jgit.api.Git jgit = org.eclipse.jgit.api.Git.open(repo.root().toFile())) {
                org.eclipse.jgit.revwalk.RevCommit head = jgit.log().setMaxCount(1).call().iterator().next();
                assertThat(head.getName()).isEqualTo(id);
                assertThat(head.getFullMessage()).isEqualTo(
                        "mm-deploy: staging images for release rel-42\n\nagent_service_container_image = " + AGENT + "\n");
                var status = jgit.status().call();
                assertThat(status.getModified()).containsExactly("infra/main.tf");
            }
        }
    }

    private static List<String> linesWithout(String text, Set<String> names) {
        List<String> out = new ArrayList<>();
        for (String line : text.split("\n", -1)) {
            String t = line.strip();
            if (names.stream().noneMatch(n -> t.startsWith(n + " ") || t.startsWith(n + "\t") || t.startsWith(n + "="))) {
                out.add(line);
            }
        }
        // A trailing empty element only records whether the text ended with a newline; appends add one.
        if (!out.isEmpty() && out.get(out.size() - 1).isEmpty()) {
            out.remove(out.size() - 1);
        }
        return out;
    }

    /**
     * Reparses files with the real binary: a root module that declares every variable the files use (type
     * any), one plan per file with -var-file, and the variables' values from {@code show -json}.
     */
    static final class RealParser {
        final Path binary;
        final Path moduleDir;
        int checked;

        RealParser(Path binary, Path moduleDir) {
            this.binary = binary;
            this.moduleDir = moduleDir;
        }

        void init(List<Case> cases) throws Exception {
            Set<String> names = new LinkedHashSet<>(List.of("interp", "escaped_already", "quotes", "controls", "unicode", "dollars", "other"));
            for (Case c : cases) {
                TfvarsDocument.parse(c.name(), c.text()).attributes().forEach(a -> names.add(a.name()));
                names.addAll(c.set().keySet());
            }
            StringBuilder tf = new StringBuilder();
            for (String n : names) {
                tf.append("variable \"").append(n).append("\" {\n  type    = any\n  default = null\n}\n");
            }
            Files.writeString(moduleDir.resolve("main.tf"), tf);
            run("init", "-input=false", "-no-color", "-backend=false");
        }

        void assertSameValues(String name, String tfvars, TfvarsDocument ours) throws Exception {
            Path file = moduleDir.resolve("case.tfvars");
            Files.writeString(file, tfvars, StandardCharsets.UTF_8);
            run("plan", "-input=false", "-no-color", "-lock=false", "-refresh=false", "-var-file=case.tfvars", "-out=case.tfplan");
            JsonNode variables = JSON.readTree(run("show", "-json", "case.tfplan")).path("variables");
            for (TfvarsAttribute a : ours.attributes()) {
                JsonNode theirs = variables.path(a.name()).path("value");
                assertThat(normalize(theirs)).as(name + ": " + a.name() + " as " + binary + " reads it").isEqualTo(normalize(JSON.valueToTree(a.value())));
            }
            checked++;
        }

        private static Object normalize(JsonNode n) {
            if (n == null || n.isNull() || n.isMissingNode()) {
                return null;
            }
            if (n.isNumber()) {
                return n.decimalValue().stripTrailingZeros();
            }
            if (n.isArray()) {
                List<Object> out = new ArrayList<>();
                n.forEach(x -> out.add(normalize(x)));
                return out;
            }
            if (n.isObject()) {
                Map<String, Object> out = new java.util.TreeMap<>();
                for (Map.Entry<String, JsonNode> e : n.properties()) {
                    out.put(e.getKey(), normalize(e.getValue()));
                }
                return out;
            }
            return n.isBoolean() ? (Object) n.booleanValue() : n.asText();
        }

        private String run(String... args) throws Exception {
            List<String> argv = new ArrayList<>(List.of(binary.toString()));
            argv.addAll(List.of(args));
            Path out = Files.createTempFile("tfvars-real", ".out");
            Process p = new ProcessBuilder(argv).directory(moduleDir.toFile()).redirectErrorStream(false)
                    .redirectOutput(out.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError(String.join(" ", argv) + " timed out");
            }
            String text = Files.readString(out);
            if (p.exitValue() != 0) {
                throw new AssertionError(String.join(" ", argv) + " exited " + p.exitValue() + ":\n" + text);
            }
            return text;
        }
    }

}
