package dev.edgeagent.protocols.mcap;

/**
 * The LZ4 frame encoder {@link McapWriter} compresses its chunks with, on its own: for benchmarks that compare
 * it with the {@code lz4} command line on the same bytes. Not thread-safe; one per thread.
 */
public final class ChunkCompressor implements AutoCloseable {

    private final Lz4Frame frame = new Lz4Frame();

    /** Encodes {@code src[off, off+length)} as one LZ4 frame into {@link #output()}; returns the frame's length. */
    public int compress(byte[] src, int off, int length) {
        return frame.encode(src, off, length);
    }

    /** The last frame, from index 0. */
    public byte[] output() {
        return frame.buffer();
    }

    /** Decodes a frame (any LZ4 frame, as readers of MCAP files must) into {@code dst}; returns its length. */
    public static int decompress(byte[] src, int off, int length, byte[] dst) {
        return Lz4Frame.decode(src, off, length, dst, 0, dst.length, 0);
    }

    @Override
    public void close() {
        frame.close();
    }
}
