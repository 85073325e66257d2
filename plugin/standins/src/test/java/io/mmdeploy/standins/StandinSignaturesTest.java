package io.mmdeploy.standins;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Member;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The stand-ins declare exactly the members of signatures.tsv: nothing more (the plugin could compile against
 * something Jenkins lacks), nothing less (the list would claim a use that is not there). Members are read from the
 * compiled classes, keyed the way the list (and the real-API reference it comes from) keys them.
 */
class StandinSignaturesTest {
    private static final Path LIST = Path.of(System.getProperty("standins.signatures", "signatures.tsv"));
    private static final Path CLASSES = Path.of(System.getProperty("standins.classes", "target/classes"));

    @Test
    void standinsDeclareExactlyTheListedMembers() throws Exception {
        Set<String> listed = new TreeSet<>();
        for (String[] row : rows()) {
            listed.add(row[0] + " " + row[1] + " " + row[2]);
        }
        Set<String> declared = declared();

        assertThat(declared).as("declared by the stand-ins but not in signatures.tsv").isSubsetOf(listed);
        assertThat(listed).as("in signatures.tsv but not declared by the stand-ins").isSubsetOf(declared);
    }

    @Test
    void everyLineNamesTheRealDeclarationAndItsSource() throws Exception {
        List<String[]> rows = rows();
        assertThat(rows).isNotEmpty();
        for (String[] row : rows) {
            assertThat(row).as(String.join(" | ", row)).hasSize(6);
            assertThat(row[1]).isIn("type", "constructor", "method", "field");
            assertThat(row[3]).as("real declaration of " + row[0] + " " + row[2]).isNotBlank();
            assertThat(row[5]).as("source of " + row[0] + " " + row[2]).matches("[\\w./-]+@[\\w.-]+:\\S+\\.java.*");
        }
        assertThat(rows.stream().map(r -> r[0] + " " + r[1] + " " + r[2]).distinct().count())
                .as("no member listed twice").isEqualTo(rows.size());
    }

    private static List<String[]> rows() throws IOException {
        List<String[]> rows = new ArrayList<>();
        for (String line : Files.readAllLines(LIST)) {
            if (!line.isBlank() && !line.startsWith("#")) {
                rows.add(line.split("\t", -1));
            }
        }
        return rows;
    }

    private static Set<String> declared() throws Exception {
        Set<String> out = new TreeSet<>();
        List<Path> classFiles;
        try (Stream<Path> files = Files.walk(CLASSES)) {
            classFiles = files.filter(f -> f.toString().endsWith(".class")).collect(Collectors.toList());
        }
        assertThat(classFiles).as("compiled stand-ins in " + CLASSES).isNotEmpty();
        for (Path file : classFiles) {
            String binary = CLASSES.relativize(file).toString().replace(".class", "").replace('/', '.');
            Class<?> type = Class.forName(binary, false, StandinSignaturesTest.class.getClassLoader());
            if (type.isSynthetic() || type.isAnonymousClass() || type.isLocalClass()) {
                continue;
            }
            String name = type.getCanonicalName();
            out.add(name + " type " + type.getSimpleName());
            for (Constructor<?> c : type.getDeclaredConstructors()) {
                if (visible(c)) {
                    out.add(name + " constructor <init>(" + params(c) + ")");
                }
            }
            for (Method m : type.getDeclaredMethods()) {
                if (visible(m) && !m.isBridge()) {
                    out.add(name + " method " + m.getName() + "(" + params(m) + ")");
                }
            }
            for (Field f : type.getDeclaredFields()) {
                if (visible(f)) {
                    out.add(name + " field " + f.getName());
                }
            }
        }
        return out;
    }

    private static boolean visible(Member member) {
        int mod = member.getModifiers();
        return !member.isSynthetic() && (Modifier.isPublic(mod) || Modifier.isProtected(mod));
    }

    /** Parameter types as the source writes them, generics dropped: {@code track(Run,C)}, {@code envs(Map)}. */
    private static String params(Executable e) {
        Type[] types = e.getGenericParameterTypes();
        if (types.length != e.getParameterCount()) {
            types = e.getParameterTypes(); // inner-class constructors carry the outer instance
        }
        return Arrays.stream(types).map(StandinSignaturesTest::simple).collect(Collectors.joining(","));
    }

    private static String simple(Type t) {
        if (t instanceof Class<?> c) {
            return c.isArray() ? simple(c.getComponentType()) + "[]" : c.getSimpleName();
        }
        if (t instanceof ParameterizedType p) {
            return simple(p.getRawType());
        }
        if (t instanceof GenericArrayType g) {
            return simple(g.getGenericComponentType()) + "[]";
        }
        if (t instanceof TypeVariable<?> v) {
            return v.getName();
        }
        return "?";
    }
}
