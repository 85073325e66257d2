package io.jenkins.plugins.mmdeploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.mmdeploy.host.StageStep;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;
import org.jenkinsci.plugins.workflow.steps.Step;
import org.junit.jupiter.api.Test;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;

/**
 * The Snippet Generator builds each step's form from its config.jelly and shows help-&lt;parameter&gt;.html beside each
 * field: for every step class of the plugin, every {@code @DataBoundConstructor} and {@code @DataBoundSetter} parameter
 * must have its field there and its help file, and the step its help.html.
 */
class SnippetGeneratorFormsTest {

    @Test
    void everyParameterOfEveryStepHasItsFieldAndItsHelp() throws Exception {
        List<Class<?>> steps = stepClasses();
        assertThat(steps).extracting(Class::getSimpleName)
                .contains("ApprovalGateStep", "OpenGateStep", "BuildImagesStep", "HealthCheckStep", "RollbackStep", "EnvironmentForStep");

        List<String> missing = new ArrayList<>();
        for (Class<?> step : steps) {
            String dir = step.getName().replace('.', '/') + "/";
            String jelly = resource(dir + "config.jelly");
            if (jelly == null) {
                missing.add(step.getSimpleName() + ": no config.jelly");
                continue;
            }
            if (resource(dir + "help.html") == null) {
                missing.add(step.getSimpleName() + ": no help.html");
            }
            for (String parameter : parameters(step)) {
                if (!jelly.contains("field=\"" + parameter + "\"")) {
                    missing.add(step.getSimpleName() + "." + parameter + ": no field in config.jelly");
                }
                if (resource(dir + "help-" + parameter + ".html") == null) {
                    missing.add(step.getSimpleName() + "." + parameter + ": no help-" + parameter + ".html");
                }
            }
        }
        assertThat(missing).as("Snippet Generator gaps").isEmpty();
    }

    @Test
    void theGatesOfferEveryPhaseIncludingTheRollback() {
        for (String step : List.of("approval/ApprovalGateStep", "approval/OpenGateStep")) {
            String jelly = resource("io/jenkins/plugins/mmdeploy/" + step + "/config.jelly");
            assertThat(jelly).as(step).contains("value=\"services\"", "value=\"gateway\"", "value=\"rollback\"");
        }
    }

    /** The constructor's and the setters' parameter names, as Jenkins binds them. */
    static Set<String> parameters(Class<?> step) {
        Set<String> out = new LinkedHashSet<>();
        for (Constructor<?> c : step.getConstructors()) {
            if (c.isAnnotationPresent(DataBoundConstructor.class)) {
                for (Parameter p : c.getParameters()) {
                    assertThat(p.isNamePresent()).as(step.getSimpleName() + ": compile with -parameters").isTrue();
                    out.add(p.getName());
                }
            }
        }
        for (Method m : step.getMethods()) {
            if (m.isAnnotationPresent(DataBoundSetter.class) && m.getName().startsWith("set")) {
                String name = m.getName().substring(3);
                out.add(name.substring(0, 1).toLowerCase(Locale.ROOT) + name.substring(1));
            }
        }
        return out;
    }

    /** Every concrete Step of the plugin, from its compiled classes. */
    private static List<Class<?>> stepClasses() throws IOException, URISyntaxException, ClassNotFoundException {
        Path root = Path.of(StageStep.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<Class<?>> out = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : files.filter(f -> f.toString().endsWith("Step.class")).toList()) {
                String name = root.relativize(f).toString().replace(".class", "").replace('/', '.');
                Class<?> c = Class.forName(name);
                if (Step.class.isAssignableFrom(c) && !Modifier.isAbstract(c.getModifiers())) {
                    out.add(c);
                }
            }
        }
        return out;
    }

    private static String resource(String path) {
        try (InputStream in = SnippetGeneratorFormsTest.class.getClassLoader().getResourceAsStream(path)) {
            return in == null ? null : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
