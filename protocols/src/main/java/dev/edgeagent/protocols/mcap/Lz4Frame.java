package dev.edgeagent.protocols.mcap;

import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Exception;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4SafeDecompressor;
import net.jpountz.xxhash.XXHash32;
import net.jpountz.xxhash.XXHashFactory;

/**
 * The LZ4 frame format (https://github.com/lz4/lz4/blob/dev/doc/lz4_Frame_format.md), which is what
 * MCAP's "lz4" chunk compression means, encoded in one shot from and into byte arrays.
 *
 * <p>Encoding: lz4-java's block compressor (native, with a reused state) over blocks of up to 4 MiB,
 * so that a 1 MiB chunk is one block; no content size and no checksums besides the mandatory header
 * checksum, because the MCAP chunk already carries a CRC32 of the uncompressed records. That makes the
 * 7-byte frame header the same for every frame. An instance is not thread-safe and holds native memory
 * until {@link #close()}.
 *
 * <p>Decoding accepts everything the spec allows except dictionaries: concatenated and skippable frames,
 * content size, block and content checksums, independent and linked blocks. lz4-java refuses linked
 * blocks (the default of the LZ4 C library's frame API, used e.g. by the MCAP C++ writer in rosbag2 and
 * by python-lz4), so those are decoded by a small block decoder here that may copy from earlier blocks.
 */
final class Lz4Frame implements AutoCloseable {

    static final int MAGIC = 0x184D2204;
    static final int SKIPPABLE_MAGIC_MASK = 0xFFFFFFF0;
    static final int SKIPPABLE_MAGIC = 0x184D2A50;
    /** Block maximum size code 7: 4 MiB. */
    static final int BLOCK_SIZE = 4 << 20;
    private static final int FLG = 0b01_1_0_0_0_0_0; // version 01, independent blocks, nothing optional
    private static final int BD = 7 << 4;
    private static final int HEADER_LENGTH = 7;

    private static final XXHash32 XXH = XXHashFactory.fastestInstance().hash32();
    private static final LZ4SafeDecompressor DECOMPRESSOR = LZ4Factory.fastestInstance().safeDecompressor();
    private static final byte HEADER_CHECKSUM = (byte) (XXH.hash(new byte[] {(byte) FLG, (byte) BD}, 0, 2, 0) >>> 8);

    /**
     * The output buffer is per thread, not per frame encoder: an agent runs dozens of MCAP writers (one per
     * stream) on one batcher thread, and each used to keep a chunk-sized output buffer on a small heap. A
     * frame's bytes are used before the same thread encodes the next one.
     */
    private static final ThreadLocal<byte[][]> OUT = ThreadLocal.withInitial(() -> new byte[][] {new byte[0]});

    private final LZ4Compressor compressor;
    private byte[] out = new byte[0];
    private boolean closed;

    Lz4Frame() {
        LZ4Compressor c;
        try {
            // keeps the LZ4 state between blocks instead of setting up a new one per call, as the lz4 CLI does
            c = LZ4Factory.nativeInstance().fastResetCompressor();
        } catch (Throwable noNative) {
            c = LZ4Factory.fastestInstance().fastCompressor();
        }
        compressor = c;
    }

    /** The bytes of the last frame {@link #encode}d, from index 0, valid until this thread encodes again. */
    byte[] buffer() {
        return out;
    }

    /** Largest frame {@link #encode} can produce for {@code length} bytes. */
    int maxFrameLength(int length) {
        int blocks = Math.max(1, (length + BLOCK_SIZE - 1) / BLOCK_SIZE);
        int full = length / BLOCK_SIZE;
        int tail = length - full * BLOCK_SIZE;
        return HEADER_LENGTH + blocks * 4 + full * compressor.maxCompressedLength(BLOCK_SIZE)
                + compressor.maxCompressedLength(tail) + 4;
    }

    /** Encodes {@code src[off, off+length)} as one frame into {@link #buffer()} and returns its length. */
    int encode(byte[] src, int off, int length) {
        int bound = maxFrameLength(length);
        byte[][] shared = OUT.get();
        if (shared[0].length < bound) {
            shared[0] = new byte[bound + (bound >>> 3)];
        }
        out = shared[0];
        byte[] o = out;
        putIntLE(o, 0, MAGIC);
        o[4] = (byte) FLG;
        o[5] = (byte) BD;
        o[6] = HEADER_CHECKSUM;
        int p = HEADER_LENGTH;
        for (int done = 0; done < length; ) {
            int n = Math.min(BLOCK_SIZE, length - done);
            int c = compressor.compress(src, off + done, n, o, p + 4, o.length - p - 4);
            if (c < n) {
                putIntLE(o, p, c);
                p += 4 + c;
            } else { // incompressible block: stored as is, flagged by the high bit
                putIntLE(o, p, n | 0x80000000);
                System.arraycopy(src, off + done, o, p + 4, n);
                p += 4 + n;
            }
            done += n;
        }
        putIntLE(o, p, 0); // end mark
        return p + 4;
    }

    /** Frees the native compressor state; idempotent. The instance can still decode, not encode. */
    @Override
    public void close() {
        if (compressor instanceof AutoCloseable closeable && !closed) {
            closed = true;
            try {
                closeable.close();
            } catch (Exception ignored) {
                // freeing native state does not fail
            }
        }
    }

    /**
     * Decodes the frames in {@code src[off, off+length)} into {@code dst[dstOff, dstOff+dstLength)}.
     *
     * @param fileOffset file offset of {@code src[off]}, for error messages
     * @return the number of bytes decoded
     */
    static int decode(byte[] src, int off, int length, byte[] dst, int dstOff, int dstLength, long fileOffset) {
        int p = off;
        int end = off + length;
        int o = dstOff;
        int dstEnd = dstOff + dstLength;
        Cursor at = new Cursor(fileOffset - off);
        while (p < end) {
            int magic = readInt(src, p, end, at, "magic");
            if ((magic & SKIPPABLE_MAGIC_MASK) == SKIPPABLE_MAGIC) {
                long skip = readInt(src, p + 4, end, at, "skippable frame size") & 0xFFFFFFFFL;
                if (skip > end - p - 8) {
                    throw at.error(p, "skippable frame size", "skippable frame of " + skip + " bytes overruns the chunk");
                }
                p += 8 + (int) skip;
                continue;
            }
            if (magic != MAGIC) {
                throw at.error(p, "magic", String.format("not an LZ4 frame: magic 0x%08X", magic));
            }
            if (end - p < 7) {
                throw at.error(p, "descriptor", "LZ4 frame header truncated");
            }
            int flg = src[p + 4] & 0xFF;
            int bd = src[p + 5] & 0xFF;
            if (flg >>> 6 != 1) {
                throw at.error(p + 4, "FLG", "unsupported LZ4 frame version " + (flg >>> 6));
            }
            if ((flg & 0x02) != 0 || (bd & 0x8F) != 0) {
                throw at.error(p + 4, "FLG", "reserved LZ4 frame descriptor bits set");
            }
            if ((flg & 0x01) != 0) {
                throw at.error(p + 4, "FLG", "LZ4 frames with a dictionary id are not supported");
            }
            boolean independent = (flg & 0x20) != 0;
            boolean blockChecksum = (flg & 0x10) != 0;
            boolean hasContentSize = (flg & 0x08) != 0;
            boolean contentChecksum = (flg & 0x04) != 0;
            int blockMax = 1 << (8 + 2 * ((bd >>> 4) & 7));
            if (blockMax < 64 << 10) {
                throw at.error(p + 5, "BD", "invalid LZ4 block maximum size code " + ((bd >>> 4) & 7));
            }
            int descriptorLength = hasContentSize ? 10 : 2;
            if (end - p < 4 + descriptorLength + 1) {
                throw at.error(p, "descriptor", "LZ4 frame header truncated");
            }
            long contentSize = hasContentSize ? readLong(src, p + 6) : -1;
            int hc = src[p + 4 + descriptorLength] & 0xFF;
            if (hc != ((XXH.hash(src, p + 4, descriptorLength, 0) >>> 8) & 0xFF)) {
                throw at.error(p + 4 + descriptorLength, "HC", "LZ4 frame header checksum mismatch");
            }
            p += 4 + descriptorLength + 1;
            int frameStart = o;
            while (true) {
                int word = readInt(src, p, end, at, "block size");
                p += 4;
                if (word == 0) {
                    break;
                }
                int n = word & 0x7FFFFFFF;
                if (n > blockMax || n > end - p) {
                    throw at.error(p - 4, "block size", "LZ4 block of " + n + " bytes overruns the frame or its "
                            + blockMax + "-byte block maximum");
                }
                if (word < 0) { // stored block
                    if (n > dstEnd - o) {
                        throw at.error(p - 4, "block", "LZ4 data longer than the chunk's uncompressed_size");
                    }
                    System.arraycopy(src, p, dst, o, n);
                    o += n;
                } else if (independent) {
                    try {
                        o += DECOMPRESSOR.decompress(src, p, n, dst, o, dstEnd - o);
                    } catch (LZ4Exception e) {
                        throw at.error(p, "block", "corrupt LZ4 block or data longer than the chunk's "
                                + "uncompressed_size: " + e.getMessage());
                    }
                } else {
                    o = decodeLinkedBlock(src, p, n, dst, o, dstEnd, frameStart, at);
                }
                p += n;
                if (blockChecksum) {
                    int want = readInt(src, p, end, at, "block checksum");
                    if (want != XXH.hash(src, p - n, n, 0)) {
                        throw at.error(p, "block checksum", "LZ4 block checksum mismatch");
                    }
                    p += 4;
                }
            }
            if (hasContentSize && contentSize != o - frameStart) {
                throw at.error(p, "content size", "LZ4 frame declares " + contentSize + " bytes, decoded "
                        + (o - frameStart));
            }
            if (contentChecksum) {
                int want = readInt(src, p, end, at, "content checksum");
                if (want != XXH.hash(dst, frameStart, o - frameStart, 0)) {
                    throw at.error(p, "content checksum", "LZ4 content checksum mismatch");
                }
                p += 4;
            }
        }
        return o - dstOff;
    }

    /**
     * Decodes one LZ4 block (https://github.com/lz4/lz4/blob/dev/doc/lz4_Block_format.md) whose matches may
     * reach back into earlier blocks of the same frame, down to {@code windowStart}. Returns the new end.
     */
    static int decodeLinkedBlock(byte[] src, int p, int n, byte[] dst, int o, int dstEnd, int windowStart, Cursor at) {
        int end = p + n;
        while (true) {
            if (p >= end) {
                throw at.error(p, "block", "LZ4 block ends inside a sequence");
            }
            int token = src[p++] & 0xFF;
            int literals = token >>> 4;
            if (literals == 15) {
                int b;
                do {
                    if (p >= end) {
                        throw at.error(p, "block", "LZ4 literal length runs past the block");
                    }
                    b = src[p++] & 0xFF;
                    literals += b;
                } while (b == 255);
            }
            if (literals > end - p || literals > dstEnd - o) {
                throw at.error(p, "block", "LZ4 literals overrun the block or the chunk's uncompressed_size");
            }
            System.arraycopy(src, p, dst, o, literals);
            p += literals;
            o += literals;
            if (p == end) {
                return o; // the last sequence has literals only
            }
            if (end - p < 2) {
                throw at.error(p, "block", "LZ4 match offset truncated");
            }
            int distance = (src[p] & 0xFF) | (src[p + 1] & 0xFF) << 8;
            p += 2;
            if (distance == 0 || distance > o - windowStart) {
                throw at.error(p - 2, "block", "LZ4 match offset " + distance + " reaches before the frame");
            }
            int match = (token & 15) + 4;
            if ((token & 15) == 15) {
                int b;
                do {
                    if (p >= end) {
                        throw at.error(p, "block", "LZ4 match length runs past the block");
                    }
                    b = src[p++] & 0xFF;
                    match += b;
                } while (b == 255);
            }
            if (match > dstEnd - o) {
                throw at.error(p, "block", "LZ4 match overruns the chunk's uncompressed_size");
            }
            int from = o - distance;
            if (distance >= match) {
                System.arraycopy(dst, from, dst, o, match);
                o += match;
            } else { // overlapping copy repeats the last `distance` bytes
                for (int i = 0; i < match; i++) {
                    dst[o++] = dst[from + i];
                }
            }
        }
    }

    /** Turns an index into {@code src} into a file offset for errors. */
    record Cursor(long base) {
        McapFormatException error(int index, String field, String message) {
            return new McapFormatException(base + index, "Chunk", "records/lz4 " + field, message);
        }
    }

    private static int readInt(byte[] b, int p, int end, Cursor at, String field) {
        if (end - p < 4) {
            throw at.error(p, field, "LZ4 frame truncated");
        }
        return (b[p] & 0xFF) | (b[p + 1] & 0xFF) << 8 | (b[p + 2] & 0xFF) << 16 | (b[p + 3] & 0xFF) << 24;
    }

    private static long readLong(byte[] b, int p) {
        long v = 0;
        for (int i = 7; i >= 0; i--) {
            v = v << 8 | (b[p + i] & 0xFF);
        }
        return v;
    }

    private static void putIntLE(byte[] b, int p, int v) {
        b[p] = (byte) v;
        b[p + 1] = (byte) (v >>> 8);
        b[p + 2] = (byte) (v >>> 16);
        b[p + 3] = (byte) (v >>> 24);
    }
}
