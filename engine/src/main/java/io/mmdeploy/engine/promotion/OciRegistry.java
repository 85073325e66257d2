package io.mmdeploy.engine.promotion;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mmdeploy.engine.diagnostics.DeployException;
import io.mmdeploy.engine.source.Sha256;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One Docker registry (an Artifact Registry host) reached as one environment's identity, through the OCI distribution
 * API: manifests by digest with their exact bytes, blob existence, blob download and monolithic upload.
 *
 * <p>Why not Jib: jib-core's registry client pushes a manifest by serialising its own template of it
 * ({@code ManifestPusher}: {@code JsonTemplateMapper.toBlob(manifestTemplate)}), so fields it does not model and the
 * original byte layout are lost and the digest can change; and its public API ({@code Jib.from(...).containerize})
 * builds a new image. Promotion must keep staging's digest, so the manifest's bytes are copied as they are.
 *
 * <p>Authentication follows the distribution spec's challenge: a 401 names a Bearer realm, which is asked for a
 * registry token with Basic {@code oauth2accesstoken:<Google access token>} (Artifact Registry's documented user
 * name); a Basic challenge gets that header directly. The Google token never goes anywhere but this registry's own
 * token endpoint, and never into a message.
 */
public final class OciRegistry {
    public static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
    public static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    public static final String DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";
    public static final String DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
    private static final String ACCEPT = String.join(", ", OCI_INDEX, OCI_MANIFEST, DOCKER_LIST, DOCKER_MANIFEST);
    private static final Pattern PARAM = Pattern.compile("(\\w+)=\"([^\"]*)\"");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A manifest as the registry holds it: its exact bytes, their media type and digest. */
    public record Manifest(byte[] bytes, String mediaType, String digest) {
        public boolean isIndex() {
            return OCI_INDEX.equals(mediaType) || DOCKER_LIST.equals(mediaType);
        }

        public JsonNode json() {
            try {
                return JSON.readTree(bytes);
            } catch (IOException e) {
                throw DeployException.of("Manifest " + digest + " is not JSON", String.valueOf(e.getMessage()));
            }
        }
    }

    private final String name;
    private final URI base;
    private final Supplier<String> googleToken;
    private final HttpClient http;
    private final Duration timeout;
    /** Registry tokens by scope: asked once per repository and access. */
    private final Map<String, String> tokens = new ConcurrentHashMap<>();

    /**
     * @param name what messages call it (e.g. {@code staging's registry us-east4-docker.pkg.dev})
     * @param base {@code https://<host>}
     * @param googleToken the environment's Google access token, asked when the registry challenges
     */
    public OciRegistry(String name, URI base, Supplier<String> googleToken, HttpClient http, Duration timeout) {
        this.name = name;
        this.base = base;
        this.googleToken = googleToken;
        this.http = http;
        this.timeout = timeout;
    }

    public String name() {
        return name;
    }

    /** The manifest by tag or digest; empty when the registry has none. A digest reference is checked against the bytes. */
    public Optional<Manifest> manifest(String repository, String reference) throws InterruptedException {
        HttpResponse<byte[]> r = send(repository, "pull", get(url(repository, "/manifests/" + reference)).header("Accept", ACCEPT),
                HttpResponse.BodyHandlers.ofByteArray());
        if (r.statusCode() == 404) {
            return Optional.empty();
        }
        require(r, 200, "read the manifest " + repository + "@" + reference);
        String digest = sha256(r.body());
        if (reference.startsWith("sha256:") && !reference.equals(digest)) {
            throw DeployException.of(name + " answered " + repository + "@" + reference + " with other content",
                    "The bytes it sent have the digest " + digest + ". Nothing was copied.");
        }
        String type = r.headers().firstValue("Content-Type").map(t -> t.split(";")[0].strip()).orElse("");
        String declared = mediaTypeOf(r.body());
        return Optional.of(new Manifest(r.body(), declared != null ? declared : type, digest));
    }

    public boolean hasBlob(String repository, String digest) throws InterruptedException {
        HttpResponse<Void> r = send(repository, "pull", head(url(repository, "/blobs/" + digest)), HttpResponse.BodyHandlers.discarding());
        if (r.statusCode() == 404) {
            return false;
        }
        require(r, 200, "check the blob " + digest + " of " + repository);
        return true;
    }

    /** Downloads a blob into {@code file}, checking its digest; empty when the registry does not have it. */
    public boolean download(String repository, String digest, Path file) throws InterruptedException {
        URI at = url(repository, "/blobs/" + digest);
        HttpResponse<InputStream> r = send(repository, "pull", get(at), HttpResponse.BodyHandlers.ofInputStream());
        for (int hops = 0; isRedirect(r.statusCode()) && hops < 5; hops++) {
            // A redirect to storage carries its own signature: the registry's token stays with the registry.
            close(r.body());
            URI next = at.resolve(r.headers().firstValue("Location").orElseThrow());
            r = call(HttpRequest.newBuilder(next).timeout(timeout).GET(), HttpResponse.BodyHandlers.ofInputStream());
        }
        if (r.statusCode() == 404) {
            close(r.body());
            return false;
        }
        requireStream(r, 200, "download the blob " + digest + " of " + repository);
        MessageDigest sha = Sha256.digest();
        try (InputStream in = new DigestInputStream(r.body(), sha); OutputStream out = Files.newOutputStream(file)) {
            in.transferTo(out);
        } catch (IOException e) {
            throw DeployException.of("Cannot download " + digest + " from " + name, String.valueOf(e.getMessage()));
        }
        String got = "sha256:" + HexFormat.of().formatHex(sha.digest());
        if (!got.equals(digest)) {
            throw DeployException.of(name + " sent other content for the blob " + digest + " of " + repository,
                    "The bytes have the digest " + got + ". Nothing was pushed for it.");
        }
        return true;
    }

    /**
     * A monolithic upload: POST starts it, one PUT with the whole blob and its digest ends it. No cross-repository
     * mount: the source is another project's registry, which the writer's identity may not read.
     */
    public void upload(String repository, String digest, Path file) throws InterruptedException {
        HttpResponse<Void> start = send(repository, "pull,push",
                HttpRequest.newBuilder(url(repository, "/blobs/uploads/")).timeout(timeout).POST(HttpRequest.BodyPublishers.noBody()),
                HttpResponse.BodyHandlers.discarding());
        require(start, 202, "start the upload of " + digest + " to " + repository);
        String location = start.headers().firstValue("Location").orElseThrow(() -> DeployException.of(
                name + " started an upload without a Location", "The distribution API answers POST /blobs/uploads/ with one."));
        URI at = url(repository, "/blobs/uploads/").resolve(location);
        String query = (at.getQuery() == null ? "" : "&") + "digest=" + URLEncoder.encode(digest, StandardCharsets.UTF_8);
        URI put = URI.create(at.toString() + (at.getQuery() == null ? "?" : "") + query);
        HttpRequest.BodyPublisher body;
        try {
            body = HttpRequest.BodyPublishers.ofFile(file);
        } catch (IOException e) {
            throw DeployException.of("Cannot read the downloaded blob " + digest, String.valueOf(e.getMessage()));
        }
        HttpResponse<Void> end = send(repository, "pull,push", HttpRequest.newBuilder(put).timeout(timeout)
                .header("Content-Type", "application/octet-stream").PUT(body), HttpResponse.BodyHandlers.discarding());
        require(end, 201, "upload the blob " + digest + " to " + repository);
    }

    /** Puts the manifest's exact bytes under a tag or its digest; returns the digest the registry computed. */
    public String putManifest(String repository, String reference, Manifest manifest) throws InterruptedException {
        HttpResponse<Void> r = send(repository, "pull,push", HttpRequest.newBuilder(url(repository, "/manifests/" + reference)).timeout(timeout)
                .header("Content-Type", manifest.mediaType()).PUT(HttpRequest.BodyPublishers.ofByteArray(manifest.bytes())),
                HttpResponse.BodyHandlers.discarding());
        require(r, 201, "push the manifest " + repository + ":" + reference);
        return r.headers().firstValue("Docker-Content-Digest").orElse(manifest.digest());
    }

    // ---- HTTP and the token dance

    private <T> HttpResponse<T> send(String repository, String actions, HttpRequest.Builder request, HttpResponse.BodyHandler<T> body)
            throws InterruptedException {
        String scope = "repository:" + repository + ":" + actions;
        String known = tokens.get(scope);
        if (known != null) {
            request.setHeader("Authorization", known);
        }
        HttpResponse<T> r = call(request, body);
        if (r.statusCode() != 401) {
            return r;
        }
        if (r.body() instanceof InputStream in) {
            close(in);
        }
        String challenge = r.headers().firstValue("WWW-Authenticate").orElse("");
        String authorization = authorize(challenge, scope);
        tokens.put(scope, authorization);
        request.setHeader("Authorization", authorization);
        HttpResponse<T> again = call(request, body);
        if (again.statusCode() == 401 || again.statusCode() == 403) {
            throw refused(again.statusCode(), scope);
        }
        return again;
    }

    private String authorize(String challenge, String scope) throws InterruptedException {
        String basic = "Basic " + Base64.getEncoder().encodeToString(("oauth2accesstoken:" + googleToken.get()).getBytes(StandardCharsets.UTF_8));
        if (challenge.regionMatches(true, 0, "Basic", 0, 5)) {
            return basic;
        }
        if (!challenge.regionMatches(true, 0, "Bearer", 0, 6)) {
            throw DeployException.of(name + " asks for an unknown authentication", "Its challenge was \"" + challenge + "\"; expected Bearer or Basic.");
        }
        Map<String, String> params = new java.util.HashMap<>();
        Matcher m = PARAM.matcher(challenge);
        while (m.find()) {
            params.put(m.group(1), m.group(2));
        }
        String realm = params.get("realm");
        if (realm == null) {
            throw DeployException.of(name + " sent a Bearer challenge without a realm", "Its challenge was \"" + challenge + "\".");
        }
        StringBuilder q = new StringBuilder(realm).append(realm.contains("?") ? "&" : "?");
        if (params.containsKey("service")) {
            q.append("service=").append(URLEncoder.encode(params.get("service"), StandardCharsets.UTF_8)).append('&');
        }
        q.append("scope=").append(URLEncoder.encode(scope, StandardCharsets.UTF_8));
        HttpResponse<byte[]> r = call(HttpRequest.newBuilder(URI.create(q.toString())).timeout(timeout).header("Authorization", basic).GET(),
                HttpResponse.BodyHandlers.ofByteArray());
        if (r.statusCode() == 401 || r.statusCode() == 403) {
            throw refused(r.statusCode(), scope);
        }
        require(r, 200, "get a registry token for " + scope);
        try {
            JsonNode answer = JSON.readTree(r.body());
            String token = answer.path("token").asText(answer.path("access_token").asText(""));
            if (token.isEmpty()) {
                throw DeployException.of(name + "'s token endpoint gave no token", "Its answer had neither token nor access_token.");
            }
            return "Bearer " + token;
        } catch (IOException e) {
            throw DeployException.of(name + "'s token endpoint did not answer JSON", String.valueOf(e.getMessage()));
        }
    }

    private DeployException refused(int status, String scope) {
        return DeployException.of(name + " refused " + scope.substring(scope.lastIndexOf(':') + 1) + " access to "
                        + scope.substring("repository:".length(), scope.lastIndexOf(':')) + " (HTTP " + status + ")",
                "Each registry is reached only with its own environment's credentials: the reader of the source needs"
                        + " roles/artifactregistry.reader there, the writer of the target roles/artifactregistry.writer there. A credential"
                        + " of another environment is refused by design.");
    }

    private <T> HttpResponse<T> call(HttpRequest.Builder request, HttpResponse.BodyHandler<T> body) throws InterruptedException {
        try {
            return http.send(request.build(), body);
        } catch (IOException e) {
            throw DeployException.of("Cannot reach " + name, String.valueOf(e.getMessage()));
        }
    }

    private URI url(String repository, String rest) {
        return base.resolve("/v2/" + repository + rest);
    }

    private HttpRequest.Builder get(URI uri) {
        return HttpRequest.newBuilder(uri).timeout(timeout).GET();
    }

    private HttpRequest.Builder head(URI uri) {
        return HttpRequest.newBuilder(uri).timeout(timeout).method("HEAD", HttpRequest.BodyPublishers.noBody());
    }

    private void require(HttpResponse<?> r, int expected, String action) {
        if (r.statusCode() != expected && !(expected == 200 && r.statusCode() == 206)) {
            String body = r.body() instanceof byte[] b ? " " + new String(b, 0, Math.min(b.length, 300), StandardCharsets.UTF_8) : "";
            throw DeployException.of("Cannot " + action + " in " + name + " (HTTP " + r.statusCode() + ")", ("The registry answered:" + body).strip());
        }
    }

    private void requireStream(HttpResponse<InputStream> r, int expected, String action) {
        if (r.statusCode() != expected) {
            close(r.body());
            require(r, expected, action);
        }
    }

    private static boolean isRedirect(int status) {
        return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
    }

    private static void close(InputStream in) {
        try {
            in.close();
        } catch (IOException e) {
            // nothing was read from it; a failed close loses nothing
        }
    }

    private static String mediaTypeOf(byte[] bytes) {
        try {
            JsonNode type = JSON.readTree(bytes).path("mediaType");
            return type.isTextual() ? type.asText() : null;
        } catch (IOException e) {
            return null;
        }
    }

    public static String sha256(byte[] bytes) {
        return "sha256:" + Sha256.hex(bytes);
    }
}
