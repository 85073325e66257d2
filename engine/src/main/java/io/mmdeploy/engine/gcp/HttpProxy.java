package io.mmdeploy.engine.gcp;

import com.google.api.client.http.javanet.ConnectionFactory;
import com.google.api.client.http.javanet.NetHttpTransport;
import com.google.auth.http.HttpTransportFactory;
import io.grpc.HttpConnectProxiedSocketAddress;
import io.grpc.ProxyDetector;
import java.io.IOException;
import java.net.Authenticator;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.PasswordAuthentication;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.SocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * The host's HTTP proxy (in Jenkins: the controller JVM's own {@code https.proxyHost} settings), for every connection the engine makes to
 * Google and to the services it health-checks: gRPC channels (HTTP CONNECT), HTTP/JSON clients and token refreshes
 * (the JDK's HttpURLConnection), and the JDK HTTP client. {@code noProxyHosts} is read as Jenkins reads its "No Proxy Host"
 * field: names separated by spaces, commas, {@code |} or new lines, {@code *} matching anything.
 *
 * @param host the proxy's host name
 * @param port its port
 * @param username the proxy user; null when the proxy asks for none
 * @param password that user's password; null without a user. Never printed ({@link #toString()}).
 * @param noProxyHosts the hosts reached directly, as written in Jenkins; null or empty for none
 */
public record HttpProxy(String host, int port, String username, String password, String noProxyHosts) {

    public HttpProxy {
        Objects.requireNonNull(host, "host");
        if (host.isBlank() || port <= 0 || port > 65535) {
            throw new IllegalArgumentException("a proxy needs a host and a port in 1..65535");
        }
        username = username == null || username.isBlank() ? null : username.strip();
        password = username == null ? null : password;
    }

    /**
     * The proxy the JDK itself uses for HTTPS: {@code https.proxyHost}, {@code https.proxyPort} (443 when unset) and
     * {@code http.nonProxyHosts} (which the JDK reads for HTTPS too); empty when no host is set.
     *
     * @throws IllegalArgumentException naming the property when the port is not a number in 1..65535
     */
    public static Optional<HttpProxy> fromSystemProperties(Properties properties) {
        String host = properties.getProperty("https.proxyHost");
        if (host == null || host.isBlank()) {
            return Optional.empty();
        }
        String port = properties.getProperty("https.proxyPort", "443").strip();
        int number;
        try {
            number = Integer.parseInt(port);
        } catch (NumberFormatException e) {
            number = -1;
        }
        if (number <= 0 || number > 65535) {
            throw new IllegalArgumentException("https.proxyPort is \"" + port + "\"; expected a port from 1 to 65535");
        }
        return Optional.of(new HttpProxy(host.strip(), number, null, null, properties.getProperty("http.nonProxyHosts")));
    }

    /** Whether {@code target} is reached without the proxy. */
    public boolean bypasses(String target) {
        if (target == null || noProxyHosts == null) {
            return false;
        }
        String name = target.toLowerCase(Locale.ROOT);
        for (String entry : noProxyHosts.split("[ \t\n,|]+")) {
            if (!entry.isEmpty() && Pattern.compile(entry.replace(".", "\\.").replace("*", ".*")).matcher(name).matches()) {
                return true;
            }
        }
        return false;
    }

    /** The proxy for {@code http} and {@code https} URIs whose host it does not bypass; a direct connection otherwise. */
    public ProxySelector selector() {
        Proxy proxy = new Proxy(Proxy.Type.HTTP, InetSocketAddress.createUnresolved(host, port));
        return new ProxySelector() {
            @Override
            public List<Proxy> select(URI uri) {
                String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
                boolean web = scheme.equals("http") || scheme.equals("https");
                return web && !bypasses(uri.getHost()) ? List.of(proxy) : List.of(Proxy.NO_PROXY);
            }

            @Override
            public void connectFailed(URI uri, SocketAddress address, IOException e) {
                // Nothing to learn: there is one proxy.
            }
        };
    }

    /**
     * The JDK HTTP client through this proxy (the health checks). The JDK sends proxy credentials only when asked by
     * the proxy (407), and never Basic credentials for an {@code https} tunnel unless the JVM's
     * {@code jdk.http.auth.tunneling.disabledSchemes} allows it.
     */
    public HttpClient.Builder applyTo(HttpClient.Builder builder) {
        builder.proxy(selector());
        Authenticator authenticator = authenticator();
        if (authenticator != null) {
            builder.authenticator(authenticator);
        }
        return builder;
    }

    /** For gRPC channels: HTTP CONNECT through the proxy (with its credentials), unless the target is bypassed. */
    public ProxyDetector grpcProxyDetector() {
        return target -> {
            if (!(target instanceof InetSocketAddress address) || bypasses(address.getHostString())) {
                return null;
            }
            HttpConnectProxiedSocketAddress.Builder b = HttpConnectProxiedSocketAddress.newBuilder()
                    .setTargetAddress(address)
                    .setProxyAddress(new InetSocketAddress(host, port));
            if (username != null) {
                b.setUsername(username).setPassword(password == null ? "" : password);
            }
            return b.build();
        };
    }

    /** For google-http-client users (Cloud Storage, google-auth's token refreshes): the JDK's connections over the proxy. */
    public HttpTransportFactory httpTransportFactory() {
        ProxySelector selector = selector();
        Authenticator authenticator = authenticator();
        ConnectionFactory connections = url -> {
            Proxy proxy;
            try {
                proxy = selector.select(url.toURI()).get(0);
            } catch (URISyntaxException e) {
                throw new IOException("not a URI: " + url, e);
            }
            HttpURLConnection connection = (HttpURLConnection) url.openConnection(proxy);
            if (authenticator != null) {
                connection.setAuthenticator(authenticator);
            }
            return connection;
        };
        return () -> new NetHttpTransport.Builder().setConnectionFactory(connections).build();
    }

    /** Answers the proxy's request for credentials (and nothing else's); null without a user. */
    private Authenticator authenticator() {
        if (username == null) {
            return null;
        }
        PasswordAuthentication credentials = new PasswordAuthentication(username, password == null ? new char[0] : password.toCharArray());
        return new Authenticator() {
            @Override
            protected PasswordAuthentication getPasswordAuthentication() {
                return getRequestorType() == RequestorType.PROXY ? credentials : null;
            }
        };
    }

    /** Never the password. */
    @Override
    public String toString() {
        return "HttpProxy[" + host + ":" + port + (username == null ? "" : ", user " + username) + "]";
    }
}
