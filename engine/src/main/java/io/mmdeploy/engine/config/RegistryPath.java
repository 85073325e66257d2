package io.mmdeploy.engine.config;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An Artifact Registry Docker repository: {@code <location>-docker.pkg.dev/<project>/<repository>}.
 */
public record RegistryPath(String location, String project, String repository) {
    private static final Pattern FORM = Pattern.compile(
            "([a-z]+(?:-[a-z]+[0-9]*)*)-docker\\.pkg\\.dev/([a-z][a-z0-9-]{4,28}[a-z0-9])/([a-z][a-z0-9._-]{0,62})");

    public static Optional<RegistryPath> parse(String text) {
        Matcher m = FORM.matcher(text == null ? "" : text);
        if (!m.matches()) {
            return Optional.empty();
        }
        return Optional.of(new RegistryPath(m.group(1), m.group(2), m.group(3)));
    }

    public String host() {
        return location + "-docker.pkg.dev";
    }

    /** {@code <registry>/<image>}, the repository part of an image reference. */
    public String image(String imageName) {
        return this + "/" + imageName;
    }

    @Override
    public String toString() {
        return host() + "/" + project + "/" + repository;
    }
}
