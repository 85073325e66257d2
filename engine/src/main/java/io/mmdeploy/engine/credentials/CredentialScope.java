package io.mmdeploy.engine.credentials;

import io.mmdeploy.engine.config.EnvironmentSpec;
import io.mmdeploy.engine.diagnostics.DeployException;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Keeps each environment's credentials to that environment: staging credentials are never usable for production.
 * Runs before any Google call, from what the credential says about itself (its service account's e-mail and the
 * project it names).
 */
public final class CredentialScope {
    // <name>@<project>.iam.gserviceaccount.com: a user-managed service account of <project>.
    private static final Pattern USER_MANAGED = Pattern.compile("[^@]+@([a-z][a-z0-9-]{4,28}[a-z0-9])\\.iam\\.gserviceaccount\\.com");
    // <project>@appspot.gserviceaccount.com: the App Engine default service account.
    private static final Pattern APP_ENGINE = Pattern.compile("([a-z][a-z0-9-]{4,28}[a-z0-9])@appspot\\.gserviceaccount\\.com");
    // <project-number>-compute@developer.gserviceaccount.com: the Compute Engine default service account.
    private static final Pattern COMPUTE = Pattern.compile("([0-9]+)-compute@developer\\.gserviceaccount\\.com");

    private CredentialScope() {}

    /**
     * Checks that a credential belongs to the environment's project.
     *
     * @param credentialsId how the user names the credential (for the message)
     * @param serviceAccountEmail the e-mail of the identity the credential acts as
     * @param credentialProject the project the credential itself names; null when none
     * @throws DeployException when it belongs to another project, or when its project cannot be told
     */
    public static void check(EnvironmentSpec environment, String credentialsId, String serviceAccountEmail, String credentialProject) {
        String where = "environments." + environment.name() + ".credentialsId";
        if (credentialProject != null && !credentialProject.isBlank() && !credentialProject.equals(environment.projectId())) {
            throw mismatch(environment, credentialsId, "names project " + credentialProject, where);
        }
        String email = serviceAccountEmail == null ? "" : serviceAccountEmail.strip().toLowerCase(java.util.Locale.ROOT);
        Optional<String> project = match(USER_MANAGED, email).or(() -> match(APP_ENGINE, email));
        if (project.isPresent()) {
            if (!project.get().equals(environment.projectId())) {
                throw mismatch(environment, credentialsId, "is service account " + email + " of project " + project.get(), where);
            }
            return;
        }
        Optional<String> number = match(COMPUTE, email);
        if (number.isPresent()) {
            if (!number.get().equals(environment.projectNumber())) {
                throw mismatch(environment, credentialsId, "is the default compute service account of project number " + number.get(), where);
            }
            return;
        }
        throw DeployException.of(
                "Cannot tell which project credential \"" + credentialsId + "\" belongs to",
                "It acts as \"" + email + "\", which is not a service account of the form <name>@<project>.iam.gserviceaccount.com."
                        + " Environment " + environment.name() + " deploys to project " + environment.projectId()
                        + "; give it a service account of that project (" + where + ").");
    }

    private static DeployException mismatch(EnvironmentSpec environment, String credentialsId, String what, String where) {
        return DeployException.of(
                "Credential \"" + credentialsId + "\" does not belong to environment " + environment.name(),
                "It " + what + ", but " + environment.name() + " deploys to project " + environment.projectId()
                        + " (" + environment.projectNumber() + "). An environment's credentials are never used for another"
                        + " environment; set " + where + " to a credential of project " + environment.projectId() + ".");
    }

    private static Optional<String> match(Pattern pattern, String email) {
        Matcher m = pattern.matcher(email);
        return m.matches() ? Optional.of(m.group(1)) : Optional.empty();
    }
}
