package io.mmdeploy.engine.gcp.fake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.mmdeploy.engine.testing.LoopbackHttp;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The part of the Cloud Storage JSON API that uploads, the environment lease, doctor and bootstrap use (bucket get and
 * insert with versioning, labels and location, a bucket's testIamPermissions, resumable and multipart object upload with
 * generation preconditions, object metadata get, delete), on a loopback HttpServer, for the real google-cloud-storage
 * client pointed at it with {@code setHost}.
 */
public final class FakeStorageServer implements AutoCloseable {
    private final HttpServer server;
    private final ObjectMapper json = new ObjectMapper();
    private final Set<String> buckets = ConcurrentHashMap.newKeySet();
    private final Map<String, String> bucketProjects = new ConcurrentHashMap<>();
    /** What a bucket insert asked for (versioning, labels, location), as the bucket's resource returns it. */
    private final Map<String, JsonNode> bucketSettings = new ConcurrentHashMap<>();
    private final FakeIam iam;
    private final Map<String, byte[]> objects = new ConcurrentHashMap<>();
    private final Map<String, Long> generations = new ConcurrentHashMap<>();
    private final Map<String, JsonNode> metadata = new ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.AtomicLong nextGeneration = new java.util.concurrent.atomic.AtomicLong(1000);
    private final Map<String, String> uploads = new ConcurrentHashMap<>();
    private final Map<String, ByteArrayOutputStream> uploadData = new ConcurrentHashMap<>();
    private final List<String> requests = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger ids = new AtomicInteger();
    private volatile int denyStatus;
    private volatile java.time.Duration latency = java.time.Duration.ZERO;
    /** Requests are answered side by side, as the real service does (a run's builds upload their contexts at once). */
    private final java.util.concurrent.ExecutorService handlers = java.util.concurrent.Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "fake-storage");
        t.setDaemon(true);
        return t;
    });

    public FakeStorageServer() throws IOException {
        this(new FakeIam());
    }

    /** @param iam answers a bucket's testIamPermissions ({@code b/<bucket>} is the resource name withheld permissions name) */
    public FakeStorageServer(FakeIam iam) throws IOException {
        this.iam = iam;
        server = LoopbackHttp.server();
        server.createContext("/", x -> {
            try {
                handle(x);
            } catch (IOException | RuntimeException e) {
                requests.add("FAILED " + e);
                throw e;
            }
        });
        server.setExecutor(handlers);
        server.start();
    }

    public String host() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** An existing bucket; {@code project} is the owner's project number (digits) or id. */
    public void addBucket(String bucket, String project) {
        buckets.add(bucket);
        bucketProjects.put(bucket, project);
    }

    /** An existing bucket with object versioning on or off. */
    public void addBucket(String bucket, String project, boolean versioned) {
        addBucket(bucket, project);
        bucketSettings.put(bucket, json.createObjectNode().set("versioning", json.createObjectNode().put("enabled", versioned)));
    }

    /** What the bucket was created with (versioning, labels, location); an empty node for one added without settings. */
    public JsonNode bucketSettings(String bucket) {
        return bucketSettings.getOrDefault(bucket, json.createObjectNode());
    }

    public Map<String, String> bucketProjects() {
        return Map.copyOf(bucketProjects);
    }

    public Map<String, byte[]> objects() {
        return Map.copyOf(objects);
    }

    public List<String> requests() {
        synchronized (requests) {
            return List.copyOf(requests);
        }
    }

    /** Every request takes this long to answer from now on (requests that overlap, overlap here too). */
    public void latency(java.time.Duration value) {
        latency = value;
    }

    /** Every request answers with this HTTP status (e.g. 403) from now on; 0 to stop. */
    public void deny(int status) {
        denyStatus = status;
    }

    private void handle(HttpExchange x) throws IOException {
        String method = x.getRequestMethod();
        String path = x.getRequestURI().getPath();
        String query = x.getRequestURI().getRawQuery() == null ? "" : x.getRequestURI().getRawQuery();
        byte[] body = x.getRequestBody().readAllBytes();
        if ("gzip".equalsIgnoreCase(x.getRequestHeaders().getFirst("Content-Encoding"))) {
            body = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(body)).readAllBytes();
        }
        requests.add(method + " " + path + "?" + query);
        if (!latency.isZero()) {
            try {
                Thread.sleep(latency.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (denyStatus != 0) {
            error(x, denyStatus, "Access denied.");
            return;
        }
        Map<String, String> params = params(query);
        if (method.equals("GET") && path.matches("/storage/v1/b/[^/]+/iam/testPermissions")) {
            testPermissions(x, path.substring("/storage/v1/b/".length(), path.indexOf("/iam/")), query);
        } else if (method.equals("GET") && path.matches("/storage/v1/b/[^/]+")) {
            String bucket = path.substring("/storage/v1/b/".length());
            if (buckets.contains(bucket)) {
                sendBucket(x, bucket);
            } else {
                error(x, 404, "The specified bucket does not exist.");
            }
        } else if (method.equals("POST") && path.equals("/storage/v1/b")) {
            String bucket = json.readTree(body).path("name").asText();
            if (!buckets.add(bucket)) {
                error(x, 409, "Your previous request to create the named bucket succeeded and you already own it.");
                return;
            }
            bucketProjects.put(bucket, params.getOrDefault("project", ""));
            com.fasterxml.jackson.databind.node.ObjectNode settings = json.createObjectNode();
            JsonNode asked = json.readTree(body);
            for (String field : List.of("versioning", "labels", "location")) {
                if (asked.has(field)) {
                    settings.set(field, asked.get(field));
                }
            }
            bucketSettings.put(bucket, settings);
            sendBucket(x, bucket);
        } else if (method.equals("POST") && path.startsWith("/upload/storage/v1/b/") && "multipart".equals(params.get("uploadType"))) {
            multipart(x, path.substring("/upload/storage/v1/b/".length(), path.length() - "/o".length()), params, body);
        } else if (path.matches("/storage/v1/b/[^/]+/o/.+") && (method.equals("GET") || method.equals("DELETE"))) {
            String rest = path.substring("/storage/v1/b/".length());
            String target = rest.substring(0, rest.indexOf('/')) + "/" + rest.substring(rest.indexOf("/o/") + 3);
            objectCall(x, method, target, params);
        } else if (path.startsWith("/upload/storage/v1/b/") && params.containsKey("upload_id")) {
            chunk(x, params.get("upload_id"), body);
        } else if (method.equals("POST") && path.startsWith("/upload/storage/v1/b/") && "resumable".equals(params.get("uploadType"))) {
            String bucket = path.substring("/upload/storage/v1/b/".length(), path.length() - "/o".length());
            if (!buckets.contains(bucket)) {
                error(x, 404, "The specified bucket does not exist.");
                return;
            }
            JsonNode meta = body.length == 0 ? json.createObjectNode() : json.readTree(body);
            String name = params.getOrDefault("name", meta.path("name").asText());
            String id = "u" + ids.incrementAndGet();
            uploads.put(id, bucket + "/" + name);
            uploadData.put(id, new ByteArrayOutputStream());
            x.getResponseHeaders().add("Location", host() + path + "?uploadType=resumable&upload_id=" + id);
            x.sendResponseHeaders(200, -1);
            x.close();
        } else {
            error(x, 400, "fake storage does not serve " + method + " " + path);
        }
    }

    /** Metadata (JSON) and media in one multipart/related body; ifGenerationMatch is checked first (0: must not exist). */
    private synchronized void multipart(HttpExchange x, String bucket, Map<String, String> params, byte[] body) throws IOException {
        if (!buckets.contains(bucket)) {
            error(x, 404, "The specified bucket does not exist.");
            return;
        }
        String type = x.getRequestHeaders().getFirst("Content-Type");
        String boundary = type.substring(type.indexOf("boundary=") + "boundary=".length()).replace("\"", "").strip();
        String[] parts = new String(body, StandardCharsets.ISO_8859_1).split("--" + java.util.regex.Pattern.quote(boundary));
        JsonNode meta = json.readTree(parts[1].substring(parts[1].indexOf("\r\n\r\n") + 4).strip());
        String media = parts[2].substring(parts[2].indexOf("\r\n\r\n") + 4);
        media = media.endsWith("\r\n") ? media.substring(0, media.length() - 2) : media;
        String target = bucket + "/" + params.getOrDefault("name", meta.path("name").asText());
        if (!preconditionHolds(target, params)) {
            error(x, 412, "At least one of the pre-conditions you specified did not hold.");
            return;
        }
        objects.put(target, media.getBytes(StandardCharsets.ISO_8859_1));
        generations.put(target, nextGeneration.incrementAndGet());
        metadata.put(target, meta);
        sendObject(x, target);
    }

    private synchronized void objectCall(HttpExchange x, String method, String target, Map<String, String> params) throws IOException {
        if (!objects.containsKey(target)) {
            error(x, 404, "No such object: " + target);
            return;
        }
        if (method.equals("GET")) {
            sendObject(x, target);
            return;
        }
        if (!preconditionHolds(target, params)) {
            error(x, 412, "At least one of the pre-conditions you specified did not hold.");
            return;
        }
        objects.remove(target);
        generations.remove(target);
        metadata.remove(target);
        x.sendResponseHeaders(204, -1);
        x.close();
    }

    private boolean preconditionHolds(String target, Map<String, String> params) {
        String match = params.get("ifGenerationMatch");
        if (match == null) {
            return true;
        }
        long current = objects.containsKey(target) ? generations.getOrDefault(target, 1L) : 0L;
        return Long.parseLong(match) == current;
    }

    private void sendObject(HttpExchange x, String target) throws IOException {
        int slash = target.indexOf('/');
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("kind", "storage#object");
        out.put("bucket", target.substring(0, slash));
        out.put("name", target.substring(slash + 1));
        out.put("size", String.valueOf(objects.get(target).length));
        out.put("generation", String.valueOf(generations.getOrDefault(target, 1L)));
        out.put("metageneration", "1");
        out.put("id", target + "/" + generations.getOrDefault(target, 1L));
        JsonNode meta = metadata.get(target);
        if (meta != null && meta.has("metadata")) {
            out.put("metadata", meta.get("metadata"));
        }
        send(x, 200, out);
    }

    /** The custom metadata of an object, or null. */
    public Map<String, String> objectMetadata(String bucket, String name) {
        JsonNode meta = metadata.get(bucket + "/" + name);
        if (meta == null) {
            return null;
        }
        Map<String, String> out = new LinkedHashMap<>();
        meta.path("metadata").properties().forEach(e -> out.put(e.getKey(), e.getValue().asText()));
        return out;
    }

    private void chunk(HttpExchange x, String id, byte[] body) throws IOException {
        String target = uploads.get(id);
        if (target == null) {
            error(x, 404, "no upload " + id);
            return;
        }
        ByteArrayOutputStream data = uploadData.get(id);
        data.write(body);
        String range = x.getRequestHeaders().getFirst("Content-Range");
        boolean finalChunk = range == null || !range.endsWith("/*");
        if (!finalChunk) {
            x.getResponseHeaders().add("Range", "bytes=0-" + (data.size() - 1));
            x.sendResponseHeaders(308, -1);
            x.close();
            return;
        }
        objects.put(target, data.toByteArray());
        int slash = target.indexOf('/');
        send(x, 200, Map.of("kind", "storage#object", "bucket", target.substring(0, slash), "name", target.substring(slash + 1),
                "size", String.valueOf(data.size()), "generation", "1", "id", target + "/1"));
    }

    /** Buckets added with a project number report it, as the real API does; created ones do not know theirs. */
    private void sendBucket(HttpExchange x, String bucket) throws IOException {
        String owner = bucketProjects.getOrDefault(bucket, "");
        Map<String, Object> out = new LinkedHashMap<>(Map.of("kind", "storage#bucket", "name", bucket, "id", bucket));
        if (owner.matches("\\d+")) {
            out.put("projectNumber", owner);
        }
        bucketSettings.getOrDefault(bucket, json.createObjectNode()).properties().forEach(e -> out.put(e.getKey(), e.getValue()));
        send(x, 200, out);
    }

    /** {@code permissions} is repeated in the query, one value each; a missing bucket is 404 as on the real API. */
    private void testPermissions(HttpExchange x, String bucket, String query) throws IOException {
        if (!buckets.contains(bucket)) {
            error(x, 404, "The specified bucket does not exist.");
            return;
        }
        List<String> asked = new ArrayList<>();
        for (String pair : query.split("&")) {
            if (pair.startsWith("permissions=")) {
                asked.add(URLDecoder.decode(pair.substring("permissions=".length()), StandardCharsets.UTF_8));
            }
        }
        try {
            send(x, 200, Map.of("kind", "storage#testIamPermissionsResponse", "permissions", iam.held("b/" + bucket, asked, "storage.")));
        } catch (IllegalArgumentException e) {
            error(x, 400, e.getMessage());
        }
    }

    private void send(HttpExchange x, int status, Object value) throws IOException {
        byte[] bytes = json.writeValueAsBytes(value);
        x.getResponseHeaders().add("Content-Type", "application/json; charset=UTF-8");
        x.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = x.getResponseBody()) {
            out.write(bytes);
        }
    }

    private void error(HttpExchange x, int status, String message) throws IOException {
        send(x, status, Map.of("error", Map.of("code", status, "message", message,
                "errors", List.of(Map.of("message", message, "reason", status == 404 ? "notFound" : "forbidden")))));
    }

    private static Map<String, String> params(String query) {
        Map<String, String> out = new ConcurrentHashMap<>();
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                out.put(pair.substring(0, eq), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    @Override
    public void close() {
        server.stop(0);
        handlers.shutdownNow();
    }
}
