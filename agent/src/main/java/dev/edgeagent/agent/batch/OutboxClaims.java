package dev.edgeagent.agent.batch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Keeps the uploader and the storage governor off each other's batch: the uploader claims the batch it is
 * sending, and eviction skips a claimed batch (and a claim fails on a batch already evicted). A monitor is
 * fine here: neither side is on the capture path, and each holds it for a file check or two deletions.
 */
public final class OutboxClaims {

    private Path uploading;

    /** Uploader: claims a sealed batch; false when it is no longer sealed (evicted meanwhile). */
    public synchronized boolean claim(Path manifestFile) {
        if (!Files.exists(manifestFile)) {
            return false;
        }
        uploading = manifestFile;
        return true;
    }

    public synchronized void release() {
        uploading = null;
    }

    /**
     * Governor: removes a sealed batch unless it is being uploaded. The manifest goes first (the batch is
     * unsealed at once), then the object. Returns false when the batch is claimed or already gone.
     */
    public synchronized boolean evict(Path manifestFile, Path object) throws IOException {
        if (manifestFile.equals(uploading) || !Files.exists(manifestFile)) {
            return false;
        }
        Files.delete(manifestFile);
        Files.deleteIfExists(object);
        return true;
    }
}
