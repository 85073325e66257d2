package io.mmdeploy.engine.promotion;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.mmdeploy.engine.testing.LoopbackHttp;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A Docker registry on loopback that speaks the OCI distribution API the way Artifact Registry does: a Bearer challenge
 * whose realm hands out registry tokens for Basic {@code oauth2accesstoken:<the one Google token it accepts>}, manifests
 * by tag and digest (the digest is computed from the bytes as stored), blobs, monolithic uploads.
 */
public final class LoopbackRegistry implements AutoCloseable {
    private record Stored(byte[] bytes, String type) {}

    private final HttpServer server;
    private final String acceptedGoogleToken;
    private final Set<String> issued = ConcurrentHashMap.newKeySet();
    private final Map<String, Stored> manifests = new ConcurrentHashMap<>();
    private final Map<String, byte[]> blobs = new ConcurrentHashMap<>();
    private final Map<String, String> uploads = new ConcurrentHashMap<>();
    public final AtomicInteger uploadsDone = new AtomicInteger();
    public final AtomicInteger refusals = new AtomicInteger();

    public LoopbackRegistry(String acceptedGoogleToken) throws IOException {
        this.acceptedGoogleToken = acceptedGoogleToken;
        server = LoopbackHttp.server();
        server.createContext("/", this::handle);
        server.start();
    }

    public URI base() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    // ---- what a test puts in and reads

    public void putBlob(String repository, byte[] bytes) {
        blobs.put(repository + "@" + OciRegistry.sha256(bytes), bytes);
    }

    public String putManifest(String repository, String tag, String type, byte[] bytes) {
        String digest = OciRegistry.sha256(bytes);
        manifests.put(repository + "@" + digest, new Stored(bytes, type));
        if (tag != null) {
            manifests.put(repository + ":" + tag, new Stored(bytes, type));
        }
        return digest;
    }

    public Optional<String> digestOf(String repository, String tag) {
        return Optional.ofNullable(manifests.get(repository + ":" + tag)).map(s -> OciRegistry.sha256(s.bytes()));
    }

    public boolean hasManifest(String repository, String digest) {
        return manifests.containsKey(repository + "@" + digest);
    }

    public boolean hasBlob(String repository, String digest) {
        return blobs.containsKey(repository + "@" + digest);
    }

    public int manifestCount() {
        return manifests.size();
    }

    public void removeBlob(String repository, String digest) {
        blobs.remove(repository + "@" + digest);
    }

    // ---- the API

    private void handle(HttpExchange x) throws IOException {
        try (x) {
            String path = x.getRequestURI().getPath();
            if (path.equals("/v2/token")) {
                token(x);
                return;
            }
            String auth = x.getRequestHeaders().getFirst("Authorization");
            if (auth == null || !auth.startsWith("Bearer ") || !issued.contains(auth.substring(7))) {
                x.getResponseHeaders().add("WWW-Authenticate", "Bearer realm=\"" + base() + "/v2/token\",service=\"loopback\"");
                send(x, 401, "{\"errors\":[{\"code\":\"UNAUTHORIZED\"}]}".getBytes(StandardCharsets.UTF_8), "application/json");
                return;
            }
            int manifestsAt = path.indexOf("/manifests/");
            int blobsAt = path.indexOf("/blobs/");
            if (manifestsAt > 0) {
                manifest(x, path.substring(4, manifestsAt), path.substring(manifestsAt + 11));
            } else if (path.contains("/blobs/uploads/")) {
                upload(x, path.substring(4, path.indexOf("/blobs/uploads/")), path.substring(path.indexOf("/blobs/uploads/") + 15));
            } else if (blobsAt > 0) {
                String key = path.substring(4, blobsAt) + "@" + path.substring(blobsAt + 7);
                byte[] blob = blobs.get(key);
                if (blob == null) {
                    send(x, 404, new byte[0], null);
                } else if (x.getRequestMethod().equals("HEAD")) {
                    x.getResponseHeaders().add("Content-Length", String.valueOf(blob.length));
                    x.sendResponseHeaders(200, -1);
                } else {
                    send(x, 200, blob, "application/octet-stream");
                }
            } else {
                send(x, 404, new byte[0], null);
            }
        }
    }

    private void token(HttpExchange x) throws IOException {
        String auth = x.getRequestHeaders().getFirst("Authorization");
        String expected = "Basic " + Base64.getEncoder().encodeToString(("oauth2accesstoken:" + acceptedGoogleToken).getBytes(StandardCharsets.UTF_8));
        if (!expected.equals(auth)) {
            refusals.incrementAndGet();
            send(x, 403, "{\"errors\":[{\"code\":\"DENIED\",\"message\":\"Permission denied\"}]}".getBytes(StandardCharsets.UTF_8), "application/json");
            return;
        }
        String token = "reg-" + UUID.randomUUID();
        issued.add(token);
        send(x, 200, ("{\"token\":\"" + token + "\"}").getBytes(StandardCharsets.UTF_8), "application/json");
    }

    private void manifest(HttpExchange x, String repository, String reference) throws IOException {
        String key = repository + (reference.startsWith("sha256:") ? "@" : ":") + reference;
        switch (x.getRequestMethod()) {
            case "GET", "HEAD" -> {
                Stored s = manifests.get(key);
                if (s == null) {
                    send(x, 404, new byte[0], null);
                    return;
                }
                x.getResponseHeaders().add("Docker-Content-Digest", OciRegistry.sha256(s.bytes()));
                send(x, 200, s.bytes(), s.type());
            }
            case "PUT" -> {
                byte[] bytes = x.getRequestBody().readAllBytes();
                String digest = OciRegistry.sha256(bytes);
                if (reference.startsWith("sha256:") && !reference.equals(digest)) {
                    send(x, 400, "{\"errors\":[{\"code\":\"DIGEST_INVALID\"}]}".getBytes(StandardCharsets.UTF_8), "application/json");
                    return;
                }
                Stored s = new Stored(bytes, x.getRequestHeaders().getFirst("Content-Type"));
                manifests.put(key, s);
                manifests.put(repository + "@" + digest, s);
                x.getResponseHeaders().add("Docker-Content-Digest", digest);
                send(x, 201, new byte[0], null);
            }
            default -> send(x, 405, new byte[0], null);
        }
    }

    private void upload(HttpExchange x, String repository, String session) throws IOException {
        if (x.getRequestMethod().equals("POST")) {
            String id = UUID.randomUUID().toString();
            uploads.put(id, repository);
            x.getResponseHeaders().add("Location", "/v2/" + repository + "/blobs/uploads/" + id + "?_state=s1");
            send(x, 202, new byte[0], null);
            return;
        }
        if (!x.getRequestMethod().equals("PUT") || !repository.equals(uploads.remove(session))) {
            send(x, 404, new byte[0], null);
            return;
        }
        Map<String, String> query = new HashMap<>();
        for (String pair : x.getRequestURI().getRawQuery().split("&")) {
            String[] kv = pair.split("=", 2);
            query.put(kv[0], URLDecoder.decode(kv[1], StandardCharsets.UTF_8));
        }
        byte[] bytes = x.getRequestBody().readAllBytes();
        if (!OciRegistry.sha256(bytes).equals(query.get("digest"))) {
            send(x, 400, "{\"errors\":[{\"code\":\"DIGEST_INVALID\"}]}".getBytes(StandardCharsets.UTF_8), "application/json");
            return;
        }
        blobs.put(repository + "@" + query.get("digest"), bytes);
        uploadsDone.incrementAndGet();
        send(x, 201, new byte[0], null);
    }

    private static void send(HttpExchange x, int status, byte[] body, String type) throws IOException {
        if (type != null) {
            x.getResponseHeaders().add("Content-Type", type);
        }
        if (x.getRequestMethod().equals("HEAD") || body.length == 0) {
            x.sendResponseHeaders(status, -1);
            return;
        }
        x.sendResponseHeaders(status, body.length);
        try (OutputStream out = x.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
