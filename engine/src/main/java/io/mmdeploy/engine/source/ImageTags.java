package io.mmdeploy.engine.source;

import io.mmdeploy.engine.config.EnvironmentSpec;
import io.mmdeploy.engine.config.TagScheme;
import java.util.ArrayList;
import java.util.List;

/**
 * The tags a build gets under an environment's {@link TagScheme}: the per-commit tag (seed 001:
 * {@code main-abc1234}), the commit's {@code v*} tags, and, separately, the alias moved after success.
 */
public final class ImageTags {
    private final EnvironmentSpec environment;

    public ImageTags(EnvironmentSpec environment) {
        this.environment = environment;
    }

    /** The tags every image of this release gets, per-commit tag first. */
    public List<String> forRevision(Revision revision) {
        TagScheme scheme = environment.tags();
        List<String> tags = new ArrayList<>();
        tags.add(render(scheme.format(), revision));
        if (scheme.semverFromGitTags()) {
            revision.versionTags().forEach(t -> tags.add(sanitize(t)));
        }
        return List.copyOf(tags);
    }

    /** The alias (e.g. {@code staging-latest}) that follows the live digest. */
    public String alias() {
        return render(environment.tags().alias(), null);
    }

    private String render(String template, Revision revision) {
        String out = template.replace("{env}", environment.name());
        if (revision != null) {
            out = out.replace("{branch}", revision.branch())
                    .replace("{shortSha}", revision.shortSha())
                    .replace("{sha}", revision.sha());
        }
        return sanitize(out);
    }

    /** Docker tags allow {@code [A-Za-z0-9_.-]}, 128 at most, not starting with '.' or '-': feature/x → feature-x. */
    static String sanitize(String tag) {
        String clean = tag.replaceAll("[^A-Za-z0-9_.-]", "-").replaceAll("^[.-]+", "");
        if (clean.isEmpty()) {
            clean = "untagged";
        }
        return clean.length() > 128 ? clean.substring(0, 128) : clean;
    }
}
