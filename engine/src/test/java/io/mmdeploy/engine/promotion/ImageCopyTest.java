package io.mmdeploy.engine.promotion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mmdeploy.engine.diagnostics.DeployException;
import io.mmdeploy.engine.gcp.fake.CapturedLog;
import io.mmdeploy.engine.port.StageLog;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A staging and a production registry on loopback, each accepting only its own environment's Google token. */
class ImageCopyTest {
    static final String STAGING_TOKEN = "ya29.staging-token-41";
    static final String PRODUCTION_TOKEN = "ya29.production-token-97";
    static final String FROM = "mindmirror-staging/mindmirror/agent-service";
    static final String TO = "mindmirror-69/mindmirror/agent-service";

    @TempDir
    Path scratch;
    LoopbackRegistry staging;
    LoopbackRegistry production;
    final CapturedLog log = new CapturedLog();
    final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    @BeforeEach
    void start() throws Exception {
        staging = new LoopbackRegistry(STAGING_TOKEN);
        production = new LoopbackRegistry(PRODUCTION_TOKEN);
    }

    @AfterEach
    void stop() {
        staging.close();
        production.close();
    }

    OciRegistry registry(LoopbackRegistry r, String name, String token) {
        return new OciRegistry(name, r.base(), () -> token, http, Duration.ofSeconds(10));
    }

    ImageCopy copy() {
        return new ImageCopy(registry(staging, "staging's registry", STAGING_TOKEN), registry(production, "production's registry", PRODUCTION_TOKEN),
                scratch, new StageLog(log, "promote-images"));
    }

    /** An image manifest whose bytes no serializer would reproduce: odd spacing, key order, an annotation. */
    String image(LoopbackRegistry r, String repository, String tag, String seed) {
        byte[] config = ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"seed\":\"" + seed + "\"}").getBytes(StandardCharsets.UTF_8);
        byte[] layer1 = ("layer-one-" + seed).repeat(500).getBytes(StandardCharsets.UTF_8);
        byte[] layer2 = ("layer-two-" + seed).getBytes(StandardCharsets.UTF_8);
        r.putBlob(repository, config);
        r.putBlob(repository, layer1);
        r.putBlob(repository, layer2);
        String manifest = "{\n   \"schemaVersion\": 2,\"mediaType\":   \"" + OciRegistry.OCI_MANIFEST + "\",\n"
                + "\"annotations\": {\"org.opencontainers.image.revision\": \"abc1234\"},\n"
                + "\"config\": {\"mediaType\": \"application/vnd.oci.image.config.v1+json\", \"size\": " + config.length + ", \"digest\": \"" + OciRegistry.sha256(config) + "\"},\n"
                + "\"layers\": [ {\"mediaType\": \"application/vnd.oci.image.layer.v1.tar+gzip\", \"size\": " + layer1.length + ", \"digest\": \"" + OciRegistry.sha256(layer1) + "\"},"
                + "{\"size\": " + layer2.length + ", \"mediaType\": \"application/vnd.oci.image.layer.v1.tar+gzip\", \"digest\": \"" + OciRegistry.sha256(layer2) + "\"} ]\n}\n";
        return r.putManifest(repository, tag, OciRegistry.OCI_MANIFEST, manifest.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void theCopyHasStagingsDigestAndTheProductionTags() throws Exception {
        String digest = image(staging, FROM, "staging-abc1234", "a");
        ImageCopy.Copied copied = copy().copy(FROM, digest, TO, List.of("main-abc1234", "fp-0011"));

        assertThat(copied.digest()).isEqualTo(digest);
        assertThat(copied.blobsCopied()).isEqualTo(3);
        assertThat(production.hasManifest(TO, digest)).isTrue();
        assertThat(production.digestOf(TO, "main-abc1234")).contains(digest);
        assertThat(production.digestOf(TO, "fp-0011")).contains(digest);
        assertThat(log.text()).doesNotContain(STAGING_TOKEN).doesNotContain(PRODUCTION_TOKEN);
    }

    @Test
    void blobsTheTargetHasAreNotSentAgain() throws Exception {
        String digest = image(staging, FROM, null, "b");
        copy().copy(FROM, digest, TO, List.of());
        int uploads = production.uploadsDone.get();

        ImageCopy.Copied again = copy().copy(FROM, digest, TO, List.of("again"));

        assertThat(again.blobsCopied()).isZero();
        assertThat(again.blobsPresent()).isEqualTo(3);
        assertThat(production.uploadsDone.get()).isEqualTo(uploads);
    }

    @Test
    void aMissingBlobStopsTheCopyBeforeAnyManifestOrTag() throws Exception {
        String digest = image(staging, FROM, null, "c");
        String layer2 = OciRegistry.sha256("layer-two-c".getBytes(StandardCharsets.UTF_8));
        staging.removeBlob(FROM, layer2);

        assertThatThrownBy(() -> copy().copy(FROM, digest, TO, List.of("main-abc1234")))
                .isInstanceOf(DeployException.class)
                .hasMessageContaining("Blob " + layer2)
                .hasMessageContaining("missing in staging's registry");
        assertThat(production.hasManifest(TO, digest)).isFalse();
        assertThat(production.digestOf(TO, "main-abc1234")).isEmpty();
    }

    @Test
    void aTokenOfTheOtherEnvironmentIsRefusedAndNothingIsWritten() throws Exception {
        String digest = image(staging, FROM, null, "d");
        ImageCopy crossed = new ImageCopy(registry(staging, "staging's registry", STAGING_TOKEN),
                registry(production, "production's registry", STAGING_TOKEN), scratch, new StageLog(log, "promote-images"));

        assertThatThrownBy(() -> crossed.copy(FROM, digest, TO, List.of("main-abc1234")))
                .isInstanceOf(DeployException.class)
                .hasMessageContaining("production's registry refused")
                .hasMessageContaining("HTTP 403")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(STAGING_TOKEN));
        assertThat(production.refusals.get()).isPositive();
        assertThat(production.manifestCount()).isZero();
        assertThat(production.uploadsDone.get()).isZero();
    }

    @Test
    void aManifestListIsCopiedWithEveryPlatformAndKeepsItsDigest() throws Exception {
        String amd = image(staging, FROM, null, "amd64");
        String arm = image(staging, FROM, null, "arm64");
        String index = "{\"schemaVersion\":2,\"mediaType\":\"" + OciRegistry.OCI_INDEX + "\",\"manifests\":["
                + "{\"mediaType\":\"" + OciRegistry.OCI_MANIFEST + "\",\"size\":1,\"digest\":\"" + amd + "\",\"platform\":{\"architecture\":\"amd64\",\"os\":\"linux\"}},"
                + "{\"mediaType\":\"" + OciRegistry.OCI_MANIFEST + "\",\"size\":1,\"digest\":\"" + arm + "\",\"platform\":{\"architecture\":\"arm64\",\"os\":\"linux\"}}]}";
        String digest = staging.putManifest(FROM, "staging-abc1234", OciRegistry.OCI_INDEX, index.getBytes(StandardCharsets.UTF_8));

        ImageCopy.Copied copied = copy().copy(FROM, digest, TO, List.of("main-abc1234"));

        assertThat(copied.digest()).isEqualTo(digest);
        assertThat(copied.manifests()).isEqualTo(3);
        assertThat(production.hasManifest(TO, amd)).isTrue();
        assertThat(production.hasManifest(TO, arm)).isTrue();
        assertThat(production.digestOf(TO, "main-abc1234")).contains(digest);
        assertThat(production.hasBlob(TO, OciRegistry.sha256("layer-two-arm64".getBytes(StandardCharsets.UTF_8)))).isTrue();
        assertThat(Files.list(scratch)).as("no blob left in transit").isEmpty();
    }
}
