package io.mmdeploy.engine.gcp.fake;

import io.mmdeploy.engine.images.ContextUploader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Keeps uploaded archives in memory, by {@code gs://bucket/object}. (The real uploader is tested on a loopback Storage server.) */
public final class FakeContextUploader implements ContextUploader {
    private final Map<String, byte[]> objects = new ConcurrentHashMap<>();

    @Override
    public void upload(String bucket, String object, Path file) {
        try {
            objects.put("gs://" + bucket + "/" + object, Files.readAllBytes(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Map<String, byte[]> objects() {
        return Map.copyOf(objects);
    }
}
