package dev.edgeagent.agent.upload;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * The embedded default target: a local directory laid out exactly like the bucket ({@code root/<key>}).
 * Each object is copied to a temp file beside its place, fsynced, renamed atomically and re-read to
 * confirm size and SHA-256, so a reader of the directory never sees a partial object.
 */
public final class FileUploadTarget implements UploadTarget {

    private final Path root;

    public FileUploadTarget(Path root) {
        this.root = root;
    }

    @Override
    public void put(String key, Path file, long size, String sha256Hex, String contentType) throws UploadException {
        Path target = root.resolve(key).normalize();
        if (!target.startsWith(root.normalize())) {
            throw new UploadException("object key " + key + " leaves the target directory", false);
        }
        Path tmp = target.resolveSibling("." + target.getFileName() + ".tmp");
        try {
            Files.createDirectories(target.getParent());
            Files.copy(file, tmp, StandardCopyOption.REPLACE_EXISTING);
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            // confirm the copy before it takes the object's name: readers never see a bad object
            long stored = Files.size(tmp);
            if (stored != size) {
                throw new UploadException(tmp + " holds " + stored + " bytes after the copy, expected " + size, true);
            }
            String storedSha = Checksums.sha256Hex(tmp, stored);
            if (!storedSha.equals(sha256Hex)) {
                throw new UploadException(tmp + " has SHA-256 " + storedSha + " after the copy, expected " + sha256Hex, true);
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            try (FileChannel dir = FileChannel.open(target.getParent(), StandardOpenOption.READ)) {
                dir.force(true);
            }
        } catch (IOException e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // best effort; the next attempt replaces it
            }
            throw new UploadException("cannot write " + target + ": " + e, true, e);
        }
    }

    @Override
    public String describe() {
        return "file:" + root;
    }
}
