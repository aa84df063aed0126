package dev.edgeagent.protocols.mcap;

/**
 * A public handle on the LZ4 frame codec {@link McapWriter} and {@link McapReader} use for "lz4" chunks, so that
 * benchmarks and tools outside this package can measure and use exactly that code. Same rules as the codec: one
 * instance per thread, holds native memory until {@link #close()}.
 */
public final class Lz4Chunks implements AutoCloseable {

    private final Lz4Frame frame = new Lz4Frame();

    /** Encodes {@code src[off, off+length)} as one LZ4 frame into {@link #buffer()}; returns the frame's length. */
    public int compress(byte[] src, int off, int length) {
        return frame.encode(src, off, length);
    }

    /** The last frame {@link #compress}ed, from index 0; reused (and replaced when it must grow) by the next call. */
    public byte[] buffer() {
        return frame.buffer();
    }

    /**
     * Decodes the LZ4 frame(s) in {@code src[off, off+length)} into {@code dst[dstOff, dstOff+dstLength)}; returns
     * the number of bytes decoded. Throws {@link McapFormatException} for a corrupt frame.
     */
    public static int decompress(byte[] src, int off, int length, byte[] dst, int dstOff, int dstLength) {
        return Lz4Frame.decode(src, off, length, dst, dstOff, dstLength, 0);
    }

    @Override
    public void close() {
        frame.close();
    }
}
