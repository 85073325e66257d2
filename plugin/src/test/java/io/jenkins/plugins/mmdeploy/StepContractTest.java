package io.jenkins.plugins.mmdeploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.mmdeploy.approval.ApprovalGateStep;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.jenkinsci.plugins.workflow.steps.StepDescriptor;
import org.junit.jupiter.api.Test;

/**
 * The plugin, docs/STEPS.md and the shared library name the same steps: every {@code mm*} step the library calls is
 * a step of this plugin, and the contract's table lists exactly the plugin's steps. A step renamed or added on one
 * side only fails here, before a pipeline meets "No such DSL method".
 */
class StepContractTest {
    private static final Pattern CALL = Pattern.compile("\\b(mm[A-Z]\\w*)\\s*\\(");
    private static final Pattern ROW = Pattern.compile("^\\| `(mm\\w+)` \\|", Pattern.MULTILINE);

    private static Path repository() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("docs/STEPS.md")) && Files.isDirectory(dir.resolve("vars"))) {
                return dir;
            }
        }
        throw new IllegalStateException("docs/STEPS.md and vars/ not found above " + Path.of("").toAbsolutePath());
    }

    /** The function names of every StepDescriptor compiled into the plugin. */
    private static Set<String> pluginSteps() throws IOException, URISyntaxException, ReflectiveOperationException {
        Path classes = Path.of(ApprovalGateStep.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Set<String> names = new TreeSet<>();
        try (Stream<Path> files = Files.walk(classes)) {
            for (Path file : (Iterable<Path>) files.filter(f -> f.getFileName().toString().endsWith("$DescriptorImpl.class"))::iterator) {
                String name = classes.relativize(file).toString().replace(file.getFileSystem().getSeparator(), ".").replaceAll("\\.class$", "");
                Class<?> type = Class.forName(name);
                if (StepDescriptor.class.isAssignableFrom(type)) {
                    names.add(((StepDescriptor) type.getDeclaredConstructor().newInstance()).getFunctionName());
                }
            }
        }
        return names;
    }

    /** The mm* names the library calls that are not its own global variables (vars/mmDeploy.groovy and the like). */
    private static Set<String> libraryCalls(Path vars) throws IOException {
        Set<String> own = new TreeSet<>();
        Set<String> called = new TreeSet<>();
        try (Stream<Path> files = Files.list(vars)) {
            for (Path file : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".groovy"))::iterator) {
                own.add(file.getFileName().toString().replaceAll("\\.groovy$", ""));
                Matcher m = CALL.matcher(Files.readString(file, StandardCharsets.UTF_8));
                while (m.find()) {
                    called.add(m.group(1));
                }
            }
        }
        called.removeAll(own);
        return called;
    }

    @Test
    void everyStepTheLibraryCallsIsAStepOfThePlugin() throws Exception {
        Set<String> called = libraryCalls(repository().resolve("vars"));

        assertThat(called).as("mm* steps called in vars/").isNotEmpty().contains("mmPreflight", "mmApplyTofu");
        assertThat(pluginSteps()).as("the plugin's step function names").containsAll(called);
    }

    @Test
    void theContractTableListsExactlyThePluginsSteps() throws Exception {
        Set<String> rows = new TreeSet<>();
        Matcher m = ROW.matcher(Files.readString(repository().resolve("docs/STEPS.md"), StandardCharsets.UTF_8));
        while (m.find()) {
            rows.add(m.group(1));
        }

        assertThat(pluginSteps()).isEqualTo(rows);
    }
}
