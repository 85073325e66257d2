package io.jenkins.plugins.mmdeploy.approval;

import hudson.model.Cause;
import hudson.model.Item;
import hudson.model.Run;
import hudson.model.User;
import hudson.scm.ChangeLogSet;
import hudson.security.SecurityRealm;
import io.mmdeploy.engine.approval.Answerer;
import io.mmdeploy.engine.approval.IdComparison;
import io.mmdeploy.engine.approval.Involved;
import java.util.ArrayList;
import java.util.List;
import jenkins.model.IdStrategy;
import jenkins.model.Jenkins;
import jenkins.scm.RunWithSCM;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;

/**
 * What the engine's approval review needs from Jenkins, read and nothing decided here: who is answering (the request's
 * authentication, its groups, whether it may build the job), who is involved in the build (user causes, the authors of
 * its change sets) and how the security realm compares ids.
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
        return new Answerer(auth.getName(), groups, run.hasPermission(Item.BUILD));
    }

    /**
     * Whoever started the build (every user cause: a rebuild or replay adds its own) and the author of every commit in
     * its change sets. The SCM decides what "author" is (the git plugin: the author, or the committer when the job says
     * so); core's change-log API has no other name for a commit's people.
     */
    static Involved involved(Run<?, ?> run) {
        List<String> starters = new ArrayList<>();
        for (Cause cause : run.getCauses()) {
            if (cause instanceof Cause.UserIdCause user && user.getUserId() != null) {
                starters.add(user.getUserId());
            }
        }
        List<String> authors = new ArrayList<>();
        if (run instanceof RunWithSCM<?, ?> withScm) {
            for (ChangeLogSet<? extends ChangeLogSet.Entry> changes : withScm.getChangeSets()) {
                for (ChangeLogSet.Entry change : changes) {
                    User author = change.getAuthor();
                    authors.add(author.getId());
                }
            }
        }
        return new Involved(starters, authors);
    }

    /** The realm's own id strategies for users and groups. */
    static IdComparison comparison() {
        SecurityRealm realm = Jenkins.get().getSecurityRealm();
        IdStrategy users = realm.getUserIdStrategy();
        IdStrategy groups = realm.getGroupIdStrategy();
        return new IdComparison() {
            @Override
            public boolean sameUser(String a, String b) {
                return users.equals(a, b);
            }

            @Override
            public boolean sameGroup(String a, String b) {
                return groups.equals(a, b);
            }
        };
    }
}
