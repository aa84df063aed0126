package dev.edgeagent.agent.upload;

import java.nio.file.Path;

/** Where batches go: a local directory laid out like the bucket, or an S3 API. */
public interface UploadTarget extends AutoCloseable {

    /**
     * Stores {@code file} under {@code key} (relative to the target's prefix) and returns only once the
     * target holds exactly these bytes (size and checksum confirmed).
     *
     * @throws UploadException when it does not; {@link UploadException#retryable()} says whether trying
     *                         again can help without an operator (network, server) or not (credentials, bucket)
     */
    void put(String key, Path file, long size, String sha256Hex, String contentType) throws UploadException;

    /** For logs and the summary; never contains secrets. */
    String describe();

    @Override
    default void close() {
    }
}
