package io.mmdeploy.engine.init;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What a Dockerfile says about its build: the local paths it copies (so, which context it expects) and its build args.
 * {@code COPY --from=…} copies from another stage or image, not from the context, and URLs are not local.
 */
record DockerfileFacts(List<String> copied, Set<String> args) {

    static DockerfileFacts parse(String text) {
        List<String> copied = new ArrayList<>();
        Set<String> args = new LinkedHashSet<>();
        for (String raw : text.replace("\\\n", " ").split("\n")) {
            String line = raw.strip();
            String upper = line.toUpperCase(Locale.ROOT);
            if (upper.startsWith("ARG ")) {
                String arg = line.substring(4).strip();
                int eq = arg.indexOf('=');
                args.add(eq < 0 ? arg : arg.substring(0, eq));
            } else if ((upper.startsWith("COPY ") || upper.startsWith("ADD ")) && !line.contains("--from")) {
                List<String> words = new ArrayList<>();
                for (String w : line.substring(line.indexOf(' ') + 1).strip().split("\\s+")) {
                    if (!w.startsWith("--")) {
                        words.add(w);
                    }
                }
                // The last word is the destination; JSON form (["a", "b"]) is left out: rare in the repos this is for.
                for (int i = 0; i < words.size() - 1; i++) {
                    String source = words.get(i);
                    if (!source.contains("://") && !source.startsWith("[")) {
                        copied.add(source.replaceAll("^\\./", "").replaceAll("/+$", ""));
                    }
                }
            }
        }
        return new DockerfileFacts(copied, args);
    }
}
