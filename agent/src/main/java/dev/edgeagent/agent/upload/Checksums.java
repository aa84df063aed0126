package dev.edgeagent.agent.upload;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 and MD5 of files or file ranges, read in 1 MiB steps. */
final class Checksums {

    private Checksums() {
    }

    static MessageDigest digest(String algorithm) {
        try {
            return MessageDigest.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Digests of a byte range of a file, several algorithms in one pass. */
    /** One read buffer per uploading thread: uploads of megabytes a second allocate nothing per call. */
    private static final ThreadLocal<ByteBuffer> BUFFER = ThreadLocal.withInitial(() -> ByteBuffer.allocate(1 << 20));

    static ByteBuffer buffer() {
        return BUFFER.get().clear();
    }

    static byte[][] of(Path file, long offset, long length, String... algorithms) throws IOException {
        MessageDigest[] digests = new MessageDigest[algorithms.length];
        for (int i = 0; i < algorithms.length; i++) {
            digests[i] = digest(algorithms[i]);
        }
        return of(file, offset, length, digests);
    }

    /** Updates the given digests with a byte range of a file and returns their values. */
    static byte[][] of(Path file, long offset, long length, MessageDigest... digests) throws IOException {
        update(file, offset, length, digests);
        byte[][] out = new byte[digests.length][];
        for (int i = 0; i < digests.length; i++) {
            out[i] = digests[i].digest();
        }
        return out;
    }

    /** Updates the given digests with a byte range of a file, leaving them open for more. */
    static void update(Path file, long offset, long length, MessageDigest... digests) throws IOException {
        ByteBuffer buf = buffer();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long pos = offset;
            long end = offset + length;
            while (pos < end) {
                buf.clear().limit((int) Math.min(buf.capacity(), end - pos));
                int n = ch.read(buf, pos);
                if (n < 0) {
                    throw new IOException(file + " ends at " + pos + ", expected " + end + " bytes");
                }
                pos += n;
                for (MessageDigest d : digests) {
                    d.update(buf.array(), 0, buf.position());
                }
            }
        }
    }

    static String sha256Hex(Path file, long size) throws IOException {
        return HexFormat.of().formatHex(of(file, 0, size, "SHA-256")[0]);
    }
}
