package io.mmdeploy.engine.gcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.api.client.http.GenericUrl;
import com.google.api.client.http.HttpResponse;
import com.google.cloud.run.v2.ServicesSettings;
import com.sun.net.httpserver.HttpServer;
import io.grpc.HttpConnectProxiedSocketAddress;
import io.grpc.ProxiedSocketAddress;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A loopback HTTP server stands in for the proxy: a client that goes through a proxy sends it the absolute URI of a
 * plain-http request, so the server sees which requests took the proxy (HTTPS CONNECT tunnels cannot be served by the
 * JDK's server; the gRPC side is checked on the address its detector gives).
 */
class HttpProxyTest {
    private HttpServer proxyServer;
    private final List<String> seen = new CopyOnWriteArrayList<>();
    private volatile boolean askForCredentials;

    @BeforeEach
    void startProxy() throws Exception {
        proxyServer = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        proxyServer.createContext("/", exchange -> {
            String auth = exchange.getRequestHeaders().getFirst("Proxy-Authorization");
            seen.add(exchange.getRequestURI().toString() + " auth=" + auth);
            if (askForCredentials && auth == null) {
                exchange.getResponseHeaders().add("Proxy-Authenticate", "Basic realm=\"corp\"");
                exchange.sendResponseHeaders(407, -1);
                exchange.close();
                return;
            }
            byte[] body = "via proxy".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        proxyServer.start();
    }

    @AfterEach
    void stopProxy() {
        proxyServer.stop(0);
    }

    private HttpProxy proxy(String user, String password, String noProxy) {
        return new HttpProxy("127.0.0.1", proxyServer.getAddress().getPort(), user, password, noProxy);
    }

    @Test
    void noProxyHostsAreReadAsJenkinsReadsThem() {
        HttpProxy p = new HttpProxy("proxy.corp", 3128, null, null, "localhost, *.internal|metadata.google.internal\n10.0.*.*  *.run.app");

        assertThat(p.bypasses("localhost")).isTrue();
        assertThat(p.bypasses("metadata.google.internal")).isTrue();
        assertThat(p.bypasses("db.internal")).isTrue();
        assertThat(p.bypasses("10.0.3.4")).isTrue();
        assertThat(p.bypasses("agent-555.us-east4.run.app")).isTrue();
        assertThat(p.bypasses("AGENT-555.US-EAST4.RUN.APP")).isTrue();
        assertThat(p.bypasses("run.googleapis.com")).isFalse();
        assertThat(p.bypasses("localhostile.example")).isFalse(); // a whole-name match, not a prefix
        assertThat(p.bypasses("10.1.3.4")).isFalse();
        assertThat(new HttpProxy("proxy.corp", 3128, null, null, null).bypasses("localhost")).isFalse();
    }

    @Test
    void theSelectorSendsWebTrafficToTheProxyUnlessBypassed() {
        HttpProxy p = new HttpProxy("proxy.corp", 3128, null, null, "*.internal");

        assertThat(p.selector().select(URI.create("https://run.googleapis.com/v2"))).singleElement()
                .satisfies(proxy -> assertThat(proxy.address()).hasToString("proxy.corp/<unresolved>:3128"));
        assertThat(p.selector().select(URI.create("https://db.internal/"))).containsExactly(Proxy.NO_PROXY);
        assertThat(p.selector().select(URI.create("socket://run.googleapis.com:443"))).containsExactly(Proxy.NO_PROXY);
    }

    @Test
    void healthChecksReachTheirUrlsThroughTheProxy() throws Exception {
        HttpClient http = proxy(null, null, null).applyTo(HttpClient.newBuilder()).build();

        var response = http.send(HttpRequest.newBuilder(URI.create("http://agent-service-555.example:8080/healthz")).GET().build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());

        assertThat(response.body()).isEqualTo("via proxy");
        assertThat(seen).containsExactly("http://agent-service-555.example:8080/healthz auth=null");
    }

    @Test
    void googleHttpClientsAndTokenRefreshesGoThroughTheProxyWithItsCredentials() throws Exception {
        askForCredentials = true;
        var transport = proxy("deployer", "pr0xy-pass", null).httpTransportFactory().create();

        HttpResponse response = transport.createRequestFactory().buildGetRequest(new GenericUrl("http://oauth2.example/token")).execute();

        assertThat(response.parseAsString()).isEqualTo("via proxy");
        String basic = java.util.Base64.getEncoder().encodeToString("deployer:pr0xy-pass".getBytes(StandardCharsets.UTF_8));
        assertThat(seen).containsExactly("http://oauth2.example/token auth=null", "http://oauth2.example/token auth=Basic " + basic);
    }

    @Test
    void aBypassedHostIsReachedDirectly() throws Exception {
        HttpServer direct = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        direct.createContext("/", exchange -> {
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        direct.start();
        try {
            HttpClient http = proxy(null, null, "127.0.0.1").applyTo(HttpClient.newBuilder()).build();

            var response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + direct.getAddress().getPort() + "/healthz")).build(),
                    java.net.http.HttpResponse.BodyHandlers.discarding());

            assertThat(response.statusCode()).isEqualTo(204);
            assertThat(seen).isEmpty();
        } finally {
            direct.stop(0);
        }
    }

    @Test
    void grpcChannelsTunnelThroughTheProxyWithItsCredentials() throws Exception {
        HttpProxy p = new HttpProxy("127.0.0.1", 3128, "deployer", "pr0xy-pass", "*.internal");

        ProxiedSocketAddress tunnel = p.grpcProxyDetector().proxyFor(InetSocketAddress.createUnresolved("run.googleapis.com", 443));

        assertThat(tunnel).isInstanceOfSatisfying(HttpConnectProxiedSocketAddress.class, t -> {
            assertThat(t.getProxyAddress()).isEqualTo(new InetSocketAddress("127.0.0.1", 3128));
            assertThat(t.getTargetAddress().getHostString()).isEqualTo("run.googleapis.com");
            assertThat(t.getUsername()).isEqualTo("deployer");
            assertThat(t.getPassword()).isEqualTo("pr0xy-pass");
        });
        assertThat(p.grpcProxyDetector().proxyFor(InetSocketAddress.createUnresolved("secrets.internal", 443))).isNull();
    }

    @Test
    void aGrpcClientOnItsDefaultChannelConnectsThroughTheProxy() throws Exception {
        try (java.net.ServerSocket tunnel = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            List<String> requestLines = new CopyOnWriteArrayList<>();
            Thread acceptor = new Thread(() -> {
                try (java.net.Socket s = tunnel.accept()) {
                    requestLines.add(new java.io.BufferedReader(new java.io.InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII)).readLine());
                } catch (java.io.IOException e) {
                    requestLines.add("accept failed: " + e.getMessage());
                }
            });
            acceptor.start();
            HttpProxy p = new HttpProxy("127.0.0.1", tunnel.getLocalPort(), null, null, null);
            ServicesSettings.Builder b = ServicesSettings.newBuilder()
                    .setCredentialsProvider(com.google.api.gax.core.NoCredentialsProvider.create());
            b.setTransportChannelProvider(GoogleClients.throughProxy(b.getTransportChannelProvider(), p));
            b.getServiceSettings().setSimpleTimeoutNoRetriesDuration(java.time.Duration.ofSeconds(5));

            try (var services = com.google.cloud.run.v2.ServicesClient.create(b.build())) {
                assertThatThrownBy(() -> services.getService("projects/p/locations/l/services/agent"))
                        .isInstanceOf(com.google.api.gax.rpc.ApiException.class);
            }
            acceptor.join(10_000);

            assertThat(requestLines).containsExactly("CONNECT run.googleapis.com:443 HTTP/1.1");
        }
    }

    @Test
    void thePasswordIsNeverPrintedAndABadProxyIsRefused() {
        assertThat(new HttpProxy("proxy.corp", 3128, "deployer", "pr0xy-pass", null).toString())
                .isEqualTo("HttpProxy[proxy.corp:3128, user deployer]").doesNotContain("pr0xy-pass");
        assertThat(new HttpProxy("proxy.corp", 3128, " ", "ignored", null).password()).isNull();
        assertThatThrownBy(() -> new HttpProxy("", 3128, null, null, null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new HttpProxy("proxy.corp", 0, null, null, null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theJvmsOwnHttpsProxySettingsAreTheProxy() {
        Properties jvm = new Properties();
        assertThat(HttpProxy.fromSystemProperties(jvm)).isEmpty();

        jvm.setProperty("https.proxyHost", " proxy.corp ");
        jvm.setProperty("http.nonProxyHosts", "*.internal|metadata.google.internal");
        HttpProxy proxy = HttpProxy.fromSystemProperties(jvm).orElseThrow();
        assertThat(proxy).isEqualTo(new HttpProxy("proxy.corp", 443, null, null, "*.internal|metadata.google.internal"));
        assertThat(proxy.bypasses("metadata.google.internal")).isTrue();
        assertThat(proxy.bypasses("run.googleapis.com")).isFalse();

        jvm.setProperty("https.proxyPort", "3128");
        assertThat(HttpProxy.fromSystemProperties(jvm).orElseThrow().port()).isEqualTo(3128);
        jvm.setProperty("https.proxyPort", "31x8");
        assertThatThrownBy(() -> HttpProxy.fromSystemProperties(jvm)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("https.proxyPort is \"31x8\"");
    }
}
