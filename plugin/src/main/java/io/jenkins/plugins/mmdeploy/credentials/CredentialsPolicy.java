package io.jenkins.plugins.mmdeploy.credentials;

import hudson.Extension;
import hudson.ExtensionList;
import io.mmdeploy.engine.config.EnvironmentSpec;
import io.mmdeploy.engine.diagnostics.DeployException;
import jenkins.model.GlobalConfiguration;
import org.kohsuke.stapler.DataBoundSetter;

/**
 * "mm-deploy" in Manage Jenkins › System: whether an environment without {@code credentialsId} may act as the
 * controller's own Google identity (its Application Default Credentials). Off by default: the controller's identity is
 * every job's identity, so only a Jenkins administrator can let a repository's config use it.
 */
@Extension
public final class CredentialsPolicy extends GlobalConfiguration {
    private boolean allowControllerCredentials;

    public CredentialsPolicy() {
        load();
    }

    /** The policy Jenkins holds. */
    public static CredentialsPolicy get() {
        return ExtensionList.lookupSingleton(CredentialsPolicy.class);
    }

    public boolean isAllowControllerCredentials() {
        return allowControllerCredentials;
    }

    @DataBoundSetter
    public void setAllowControllerCredentials(boolean allow) {
        this.allowControllerCredentials = allow;
        save();
    }

    /** Refuses an environment that names no credential, unless {@code allowed}; before any Google call. */
    public static void requireCredentialOrAllowed(EnvironmentSpec environment, boolean allowed) {
        String id = environment.credentialsId();
        if ((id == null || id.isBlank()) && !allowed) {
            throw DeployException.of("No credentialsId for " + environment.name(),
                    "environments." + environment.name() + ".credentialsId names no Jenkins credential, and this Jenkins does not let"
                            + " a build act as the controller's own Google identity. Add a \"Google Service Account from private key\""
                            + " credential and name it in credentialsId, or have a Jenkins administrator tick \"Allow the controller's"
                            + " Application Default Credentials\" under Manage Jenkins › System › mm-deploy.");
        }
    }
}
