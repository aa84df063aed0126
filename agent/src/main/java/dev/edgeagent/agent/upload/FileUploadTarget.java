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
 * An object is published under a temp name beside its place and renamed atomically only when its size and
 * SHA-256 match the manifest: a reader of the directory never sees a partial or damaged object. On the same
 * file system as the data directory the temp name is a hard link to the sealed batch (read once to check it,
 * never written twice, as an S3 upload reads it without writing); elsewhere it is a copy, fsynced.
 */
public final class FileUploadTarget implements UploadTarget {

    private final Path root;
    /** False once a hard link failed (another file system): copy from then on without trying again. */
    private volatile boolean linkable = true;

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
            Files.deleteIfExists(tmp);
            if (!(linkable && linked(file, tmp, size, sha256Hex))) {
                copied(file, tmp, size, sha256Hex);
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

    /**
     * Same file system: the object is checked against its manifest in one read pass and then hard-linked, not
     * written a second time (a sealed batch is never changed, and the uploader only unlinks its own name); the
     * batcher fsynced it when it sealed it. False where no link can be made (another file system, a file system
     * without hard links), and the caller copies.
     */
    private boolean linked(Path file, Path tmp, long size, String sha256Hex) throws IOException, UploadException {
        MessageDigest sha = Checksums.digest("SHA-256");
        long read = 0;
        ByteBuffer buf = Checksums.buffer();
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
            while (in.read(buf.clear()) > 0) {
                buf.flip();
                sha.update(buf.array(), 0, buf.limit());
                read += buf.limit();
            }
        }
        check(file, read, HexFormat.of().formatHex(sha.digest()), size, sha256Hex);
        try {
            Files.createLink(tmp, file);
        } catch (IOException | UnsupportedOperationException e) {
            linkable = false;   // EXDEV, or no hard links here: the first object is read twice, the rest copied
            return false;
        }
        // durable before it is published: a no-op for a sealed batch, not for every caller's file
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.READ)) {
            ch.force(true);
        }
        return true;
    }

    /** Copies to the temp file while hashing (one pass), fsyncs it, and checks size and hash. */
    private static void copied(Path file, Path tmp, long size, String sha256Hex) throws IOException, UploadException {
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
        try {
            check(file, copied, HexFormat.of().formatHex(sha.digest()), size, sha256Hex);
        } catch (UploadException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
    }

    private static void check(Path file, long bytes, String sha, long size, String sha256Hex) throws UploadException {
        if (bytes != size || !sha.equals(sha256Hex)) {
            throw UploadException.corruptSource(file + " holds " + bytes + " bytes with SHA-256 " + sha
                    + "; its manifest says " + size + " bytes, " + sha256Hex);
        }
    }

    @Override
    public String describe() {
        return "file:" + root;
    }
}
