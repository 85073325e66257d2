package io.mmdeploy.engine.testing;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;

/** The tests' loopback HTTP servers (fake Cloud Storage, the deployed services, registries). */
public final class LoopbackHttp {
    private LoopbackHttp() {}

    /**
     * A server on 127.0.0.1 at a free port, not started. Its sockets send at once (TCP_NODELAY): without it a response's
     * headers and body wait on each other through Nagle's algorithm and the client's delayed ACK, 40 ms a request on
     * Linux. The JDK reads the switch once, when its first server starts; the first server a test JVM makes is one of these.
     */
    public static HttpServer server() throws IOException {
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
        return HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    }
}
