package io.mmdeploy.engine.promotion;

import com.fasterxml.jackson.databind.JsonNode;
import io.mmdeploy.engine.diagnostics.DeployException;
import io.mmdeploy.engine.port.StageLog;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Copies one image by digest from one registry to another, each reached as its own environment: every blob the
 * target lacks is downloaded from the source (digest checked) and uploaded, then each manifest is put with its exact
 * bytes, children of a manifest list before the list. The target's digest is read back and must equal the source's.
 */
public final class ImageCopy {
    private final OciRegistry source;
    private final OciRegistry target;
    private final Path scratch;
    private final StageLog log;

    /** @param scratch a directory for blobs in transit (layers can be large: they are streamed through files) */
    public ImageCopy(OciRegistry source, OciRegistry target, Path scratch, StageLog log) {
        this.source = source;
        this.target = target;
        this.scratch = scratch;
        this.log = log;
    }

    /** What one copy did. */
    public record Copied(String digest, int manifests, int blobsCopied, int blobsPresent) {}

    /**
     * @param from the source repository path (no host), e.g. {@code mindmirror-staging/mindmirror/agent-service}
     * @param digest the source's digest: the image is addressed by it, never by a tag that could move
     * @param to the target repository path
     * @param tags tags the copied image gets in the target
     */
    public Copied copy(String from, String digest, String to, List<String> tags) throws InterruptedException {
        int[] counts = new int[3];
        OciRegistry.Manifest top = copyManifest(from, digest, to, counts);
        for (String tag : tags) {
            target.putManifest(to, tag, top);
        }
        String after = target.manifest(to, digest).map(OciRegistry.Manifest::digest).orElseThrow(() -> DeployException.of(
                to + "@" + digest + " is not in " + target.name() + " after the copy", "The registry accepted the manifest but does not serve it."));
        if (!after.equals(digest)) {
            throw DeployException.of("The copy of " + from + "@" + digest + " has another digest in " + target.name(),
                    "It reads back as " + after + "; promotion keeps the digest staging tested, so it is not used.");
        }
        return new Copied(after, counts[0], counts[1], counts[2]);
    }

    private OciRegistry.Manifest copyManifest(String from, String digest, String to, int[] counts) throws InterruptedException {
        OciRegistry.Manifest manifest = source.manifest(from, digest).orElseThrow(() -> DeployException.of(
                "No manifest " + from + "@" + digest + " in " + source.name(),
                "The release record names it, but the registry does not have it (deleted by a cleanup?). Nothing was copied."));
        JsonNode json = manifest.json();
        if (manifest.isIndex()) {
            for (JsonNode child : json.path("manifests")) {
                copyManifest(from, child.path("digest").asText(), to, counts);
            }
        } else {
            List<String> blobs = new ArrayList<>();
            blobs.add(json.path("config").path("digest").asText());
            json.path("layers").forEach(layer -> blobs.add(layer.path("digest").asText()));
            for (String blob : blobs) {
                copyBlob(from, blob, to, digest, counts);
            }
        }
        String put = target.putManifest(to, digest, manifest);
        if (!put.equals(digest)) {
            throw DeployException.of(target.name() + " stored " + to + "@" + digest + " as " + put,
                    "The manifest's bytes were sent unchanged; the registry computed another digest. Promotion stops here.");
        }
        counts[0]++;
        return manifest;
    }

    private void copyBlob(String from, String blob, String to, String manifest, int[] counts) throws InterruptedException {
        if (target.hasBlob(to, blob)) {
            counts[2]++;
            return;
        }
        Path file;
        try {
            file = Files.createTempFile(scratch, "blob-", ".part");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            if (!source.download(from, blob, file)) {
                throw DeployException.of("Blob " + blob + " of " + from + "@" + manifest + " is missing in " + source.name(),
                        "The manifest names it but the registry has no such blob, so the image cannot be copied whole. Nothing was"
                                + " tagged in " + target.name() + "; deploy the commit to the source environment again, or build it here.");
            }
            target.upload(to, blob, file);
            counts[1]++;
            log.debug("copied " + blob + " to " + to);
        } finally {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                log.debug("could not delete " + file);
            }
        }
    }
}
