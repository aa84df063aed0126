package dev.edgeagent.agent.batch;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Writes through to a file while computing its SHA-256 and size, so a sealed batch needs no second read.
 * Closing it does not close the file: the batcher still has to fsync it.
 */
final class DigestingChannel implements WritableByteChannel {

    private FileChannel file;
    private final MessageDigest sha256;
    private long bytes;

    DigestingChannel() {
        try {
            this.sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Starts over on another file; one instance serves every batch of a stream. */
    DigestingChannel reset(FileChannel next) {
        this.file = next;
        this.bytes = 0;
        this.sha256.reset();
        return this;
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        ByteBuffer view = src.duplicate();
        int written = file.write(src);
        view.limit(view.position() + written);
        sha256.update(view);
        bytes += written;
        return written;
    }

    long bytes() {
        return bytes;
    }

    byte[] digest() {
        return sha256.digest();
    }

    @Override
    public boolean isOpen() {
        return file.isOpen();
    }

    @Override
    public void close() {
        // the owner fsyncs and closes the file
    }
}
