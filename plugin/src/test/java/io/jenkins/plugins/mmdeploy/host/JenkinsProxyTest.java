package io.jenkins.plugins.mmdeploy.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mmdeploy.engine.diagnostics.DeployException;
import io.mmdeploy.engine.gcp.HttpProxy;
import org.junit.jupiter.api.Test;

class JenkinsProxyTest {
    @Test
    void jenkinsProxySettingsBecomeTheEnginesProxy() {
        HttpProxy proxy = JenkinsProxy.of(" proxy.corp ", 3128, "deployer", "pr0xy-pass", "*.internal\nmetadata.google.internal");

        assertThat(proxy).isEqualTo(new HttpProxy("proxy.corp", 3128, "deployer", "pr0xy-pass", "*.internal\nmetadata.google.internal"));
        assertThat(proxy.bypasses("metadata.google.internal")).isTrue();
        assertThat(proxy.bypasses("run.googleapis.com")).isFalse();
    }

    @Test
    void noProxyHostMeansDirectConnections() {
        assertThat(JenkinsProxy.of(null, 0, null, null, null)).isNull();
        assertThat(JenkinsProxy.of("", 3128, "u", "p", null)).isNull();
    }

    @Test
    void aProxyWithoutAUsablePortIsRefusedNamingWhereToFixIt() {
        assertThatThrownBy(() -> JenkinsProxy.of("proxy.corp", 0, null, null, null))
                .isInstanceOf(DeployException.class)
                .hasMessageContaining("proxy.corp")
                .hasMessageContaining("Manage Jenkins › System › HTTP Proxy Configuration");
    }
}
