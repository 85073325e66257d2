package io.mmdeploy.engine.source;

import io.mmdeploy.engine.config.BuildSpec;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/**
 * What an image is built from, as one value: the git object ids of its watched paths and its Dockerfile,
 * and its build args. Same fingerprint, same image: an unchanged service is reused, not rebuilt. Build
 * args take part because they change the image without changing a file.
 */
public record BuildFingerprint(String value) {
    public static final String TAG_PREFIX = "fp-";

    /** The tag that marks an image in the registry as built from this fingerprint. */
    public String tag() {
        return TAG_PREFIX + value;
    }

    /**
     * @param objectIds path → git object id (tree or blob), for the watched paths and the Dockerfile
     */
    public static BuildFingerprint of(BuildSpec build, Map<String, String> objectIds, Map<String, String> extraArgs) {
        TreeMap<String, String> parts = new TreeMap<>();
        objectIds.forEach((path, id) -> parts.put("path:" + path, id));
        parts.put("dockerfile:" + build.dockerfile(), objectIds.getOrDefault(build.dockerfile(), "?"));
        build.args().forEach((k, v) -> parts.put("arg:" + k, v));
        extraArgs.forEach((k, v) -> parts.put("arg:" + k, v));
        MessageDigest sha = Sha256.digest();
        parts.forEach((k, v) -> sha.update((k + "=" + v + "\n").getBytes(StandardCharsets.UTF_8)));
        return new BuildFingerprint(HexFormat.of().formatHex(sha.digest()).substring(0, 24));
    }
}
