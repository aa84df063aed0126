package dev.edgeagent.agent.upload;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * The embedded default target: a local directory laid out exactly like the bucket ({@code root/<key>}).
 * Each object is copied to a temp file beside its place while its SHA-256 is computed, fsynced, and renamed
 * atomically only when size and SHA-256 match the manifest: a reader of the directory never sees a partial
 * or damaged object.
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
            // one pass: read the local object, hash it, write the copy; the hash confirms that what was
            // written is what the manifest describes (a damaged local object is never published)
            MessageDigest sha = Checksums.digest("SHA-256");
            long copied = 0;
            ByteBuffer buf = Checksums.buffer();
            try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ);
                 FileChannel outCh = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                         StandardOpenOption.TRUNCATE_EXISTING)) {
                while (in.read(buf.clear()) > 0) {
                    buf.flip();
                    sha.update(buf.array(), 0, buf.limit());
                    copied += buf.limit();
                    while (buf.hasRemaining()) {
                        outCh.write(buf);
                    }
                }
                outCh.force(true);
            }
            String copiedSha = HexFormat.of().formatHex(sha.digest());
            if (copied != size || !copiedSha.equals(sha256Hex)) {
                Files.deleteIfExists(tmp);
                throw UploadException.corruptSource(file + " holds " + copied + " bytes with SHA-256 " + copiedSha
                        + "; its manifest says " + size + " bytes, " + sha256Hex);
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
