package io.jenkins.plugins.mmdeploy.approval;

import hudson.model.Cause;
import hudson.model.Item;
import hudson.model.Run;
import hudson.model.User;
import io.mmdeploy.engine.approval.Answerer;
import io.mmdeploy.engine.approval.IdComparison;
import io.mmdeploy.engine.approval.Involved;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import jenkins.model.Jenkins;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;

/**
 * What the engine's approval review needs from Jenkins, read and nothing decided here: who is answering (the request's
 * authentication, its groups, whether it may build the job), who is involved in the build (user causes, the people of
 * the commits it deploys) and how Jenkins tells two user ids apart.
 */
final class BuildIdentities {
    private BuildIdentities() {}

    /** The user of the current request ({@code anonymous} when nobody signed in). */
    static Answerer answerer(Run<?, ?> run) {
        Authentication auth = Jenkins.getAuthentication2();
        List<String> groups = new ArrayList<>();
        for (GrantedAuthority authority : auth.getAuthorities()) {
            groups.add(authority.getAuthority());
        }
        return new Answerer(auth.getName(), groups, run.getACL().hasPermission(Item.BUILD));
    }

    /**
     * Whoever started the build (every user cause: a rebuild or replay adds its own) and the people of the commits the
     * gate's run deploys, as the engine read them from the workspace's git when the gate opened (names and e-mails of
     * authors and committers since the live release). Each is also taken as the Jenkins user it names, resolved as
     * the git plugin resolves a commit's author ({@link User#get(String, boolean, Map)}: an id, or a full name through
     * the realm's resolvers), and by an e-mail's local part: four eyes errs toward refusing.
     */
    static Involved involved(Run<?, ?> run, GateRequest gate) {
        List<String> starters = new ArrayList<>();
        for (Cause cause : run.getCauses()) {
            if (cause instanceof Cause.UserIdCause user && user.getUserId() != null) {
                starters.add(user.getUserId());
            }
        }
        return new Involved(starters, authors(gate.people(), person -> {
            User user = User.get(person, false, Map.of());
            return user == null ? Optional.empty() : Optional.of(user.getId());
        }));
    }

    /** Each person as written, as the Jenkins user it resolves to, and an e-mail also by its local part. */
    static List<String> authors(List<String> people, Function<String, Optional<String>> jenkinsUser) {
        Set<String> authors = new LinkedHashSet<>();
        for (String person : people) {
            authors.add(person);
            int at = person.indexOf('@');
            if (at > 0) {
                authors.add(person.substring(0, at));
            }
            jenkinsUser.apply(person).ifPresent(authors::add);
        }
        return List.copyOf(authors);
    }

    /**
     * Users are the same when Jenkins resolves both ids to one user (its realm's id strategy decides, e.g. case), else
     * when the ids are equal; group names are compared exactly (a listed group in other letter case is refused, and the
     * refusal names the listed approvers).
     */
    static IdComparison comparison() {
        return new IdComparison() {
            @Override
            public boolean sameUser(String a, String b) {
                if (a.equals(b)) {
                    return true;
                }
                User ua = User.getById(a, false);
                User ub = User.getById(b, false);
                return ua != null && ub != null && ua.getId().equals(ub.getId());
            }

            @Override
            public boolean sameGroup(String a, String b) {
                return a.equals(b);
            }
        };
    }
}
