package io.jenkins.plugins.mmdeploy.host;

import io.mmdeploy.engine.diagnostics.DeployException;
import io.mmdeploy.engine.gcp.HttpProxy;

/** Jenkins' HTTP proxy settings ({@code hudson.ProxyConfiguration}'s fields) as the engine's {@link HttpProxy}. */
final class JenkinsProxy {
    private JenkinsProxy() {}

    /**
     * @return null when no proxy host is set (Jenkins connects directly)
     */
    static HttpProxy of(String name, int port, String userName, String password, String noProxyHost) {
        if (name == null || name.isBlank()) {
            return null;
        }
        if (port <= 0 || port > 65535) {
            throw DeployException.of("Jenkins' HTTP proxy " + name.strip() + " has no usable port (" + port + ")",
                    "Set a port from 1 to 65535 under Manage Jenkins › System › HTTP Proxy Configuration.");
        }
        return new HttpProxy(name.strip(), port, userName, password, noProxyHost);
    }
}
