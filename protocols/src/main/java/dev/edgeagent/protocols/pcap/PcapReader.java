package dev.edgeagent.protocols.pcap;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

import dev.edgeagent.protocols.pcap.PcapFormatException.Kind;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Reads packets from a classic pcap file (either byte order, µs or ns timestamps) or a pcapng file (sections in
 * either byte order, several sections, interface blocks with {@code if_tsresol} — decimal and power-of-two — and
 * {@code if_tsoffset}, enhanced, simple and obsolete packet blocks; other blocks are skipped by their length).
 *
 * <p>Usage: {@code while (reader.next()) { use data(), dataOffset(), capturedLength(), ... }}. The packet's bytes
 * are only valid until the next call of {@link #next()}. Reading goes through one reused direct buffer filled from
 * a {@link FileChannel}; it grows only for a larger record, and never past {@code maxRecordBytes}: nothing is
 * allocated per packet.
 *
 * <p>Bad input: {@link #open} throws {@link PcapFormatException} ({@link Kind#NOT_PCAP}) for a file that is not a
 * capture. {@link #next()} throws it for one bad record, with the record's file offset; calling {@code next()}
 * again goes on: after a bad length the reader scans forward for the next plausible record (a record header whose
 * lengths and timestamp fit and which is followed by another one, or a pcapng block whose two length copies match)
 * and carries on from there. A file cut off inside a record is reported once as {@link Kind#TRUNCATED}; every
 * packet before it has been delivered and {@code next()} then returns false. I/O errors while reading are thrown as
 * {@link UncheckedIOException} and end the reader.
 *
 * <p>Not thread-safe: one reader per thread.
 */
public final class PcapReader implements AutoCloseable {

    /** {@link #timestampNanos()} of a packet that carries no timestamp (a pcapng simple packet block). */
    public static final long NO_TIMESTAMP = Long.MIN_VALUE;
    /** Default largest record (packet data plus its header) the buffer grows to. */
    public static final int DEFAULT_MAX_RECORD_BYTES = 16 << 20;
    /** Classic pcap: libpcap's own upper bound for a captured length, used when the snap length is smaller. */
    static final int CLASSIC_MAX_SNAPLEN = 262_144;

    /** The container format of the file. */
    public enum Format { PCAP, PCAPNG }

    private static final int INITIAL_BUFFER = 64 << 10;
    private static final int MAGIC_MICROS = 0xA1B2C3D4;
    private static final int MAGIC_NANOS = 0xA1B23C4D;
    private static final int BLOCK_SHB = 0x0A0D0D0A;
    private static final int BYTE_ORDER_MAGIC = 0x1A2B3C4D;
    private static final int BLOCK_IDB = 1;
    private static final int BLOCK_OPB = 2;
    private static final int BLOCK_SPB = 3;
    private static final int BLOCK_NRB = 4;
    private static final int BLOCK_ISB = 5;
    private static final int BLOCK_EPB = 6;
    private static final int BLOCK_DSB = 0x0A;
    private static final int BLOCK_CUSTOM = 0x00000BAD;
    private static final int BLOCK_CUSTOM_NOCOPY = 0x40000BAD;
    private static final int OPT_IF_TSRESOL = 9;
    private static final int OPT_IF_TSOFFSET = 14;
    private static final int MAX_INTERFACES = 1 << 16;
    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    private static final long[] POW10 = new long[19];

    static {
        POW10[0] = 1;
        for (int i = 1; i < POW10.length; i++) {
            POW10[i] = POW10[i - 1] * 10;
        }
    }

    private final Path path;
    private final FileChannel channel;
    private final int maxBufferBytes;
    private ByteBuffer byteBuffer;
    private final UnsafeBuffer buffer = new UnsafeBuffer(0, 0);
    /** File offset of buffer index 0. */
    private long bufferFileOffset;
    /** Valid bytes in the buffer. */
    private int bufferLength;
    /** Read cursor (buffer index). */
    private int position;
    private boolean eof;
    private boolean ended;
    private boolean resyncing;
    private long resyncFrom;

    private Format format;
    private ByteOrder order;
    // classic pcap
    private boolean classicNanos;
    private int classicSnapLen;
    private int classicLinkType;
    private long lastSeconds = -1;
    // pcapng: interfaces of the current section
    private int interfaceCount;
    private int[] ifLinkType = new int[4];
    private int[] ifSnapLen = new int[4];
    private boolean[] ifResolPow2 = new boolean[4];
    private int[] ifResolExponent = new int[4];
    private long[] ifOffsetNanos = new long[4];
    private int sections;

    // the current packet
    private long timestampNanos;
    private int capturedLength;
    private int originalLength;
    private int linkType;
    private int dataOffset;
    private long fileOffset;
    private int interfaceId;

    private PcapReader(Path path, FileChannel channel, int maxRecordBytes) {
        this.path = path;
        this.channel = channel;
        this.maxBufferBytes = maxRecordBytes;
        allocate(Math.min(INITIAL_BUFFER, maxRecordBytes));
    }

    /** Opens a pcap or pcapng file and reads its file / first section header. */
    public static PcapReader open(Path path) throws IOException {
        return open(path, DEFAULT_MAX_RECORD_BYTES);
    }

    /**
     * @param maxRecordBytes largest record (header plus captured bytes) accepted; the reused buffer grows to at most
     *                       this. Larger records are reported as {@link Kind#BAD_BLOCK_LENGTH}.
     * @throws IOException          the file cannot be opened or read
     * @throws PcapFormatException  the file is not a pcap / pcapng file or its header is unusable
     */
    public static PcapReader open(Path path, int maxRecordBytes) throws IOException {
        if (maxRecordBytes < 1024) {
            throw new IllegalArgumentException("maxRecordBytes: must be at least 1024, got " + maxRecordBytes);
        }
        FileChannel channel = FileChannel.open(path, StandardOpenOption.READ);
        PcapReader reader = new PcapReader(path, channel, maxRecordBytes);
        try {
            reader.readFileHeader();
            return reader;
        } catch (IOException | RuntimeException e) {
            reader.close();
            throw e;
        }
    }

    public Path path() {
        return path;
    }

    public Format format() {
        return format;
    }

    /** Byte order of the file (of the current section for pcapng). */
    public ByteOrder byteOrder() {
        return order;
    }

    /** Sections seen so far (pcapng); 1 for classic pcap. */
    public int sections() {
        return sections;
    }

    // ---------------------------------------------------------------- current packet

    /** Capture time in ns since the Unix epoch, or {@link #NO_TIMESTAMP} (simple packet blocks). */
    public long timestampNanos() {
        return timestampNanos;
    }

    public int capturedLength() {
        return capturedLength;
    }

    public int originalLength() {
        return originalLength;
    }

    /** LINKTYPE_ value of the packet's interface (1 Ethernet, 113 Linux SLL, ...). */
    public int linkType() {
        return linkType;
    }

    /** pcapng interface id of the packet (0 for classic pcap). */
    public int interfaceId() {
        return interfaceId;
    }

    /** The buffer holding the packet's bytes at {@link #dataOffset()}; valid until the next {@link #next()}. */
    public DirectBuffer data() {
        return buffer;
    }

    public int dataOffset() {
        return dataOffset;
    }

    /** Byte offset in the file where the current packet's record (its header) starts. */
    public long fileOffset() {
        return fileOffset;
    }

    /** File offset of the next byte the reader will look at. */
    public long position() {
        return bufferFileOffset + position;
    }

    // ---------------------------------------------------------------- reading

    /**
     * Advances to the next packet.
     *
     * @return false at the end of the file (also after a truncated record was reported)
     * @throws PcapFormatException for one bad record; call {@code next()} again to go on
     * @throws UncheckedIOException when reading fails; the reader is then ended
     */
    public boolean next() {
        if (ended) {
            return false;
        }
        try {
            if (resyncing && !resync()) {
                ended = true;
                return false;
            }
            return format == Format.PCAP ? nextClassic() : nextPcapng();
        } catch (IOException e) {
            ended = true;
            throw new UncheckedIOException("reading " + path + " at byte offset " + position(), e);
        }
    }

    private boolean nextClassic() throws IOException {
        final long recordOffset = position();
        final int have = ensure(16);
        if (have == 0) {
            ended = true;
            return false;
        }
        if (have < 16) {
            throw truncated(recordOffset, "file ends " + have + " bytes into a 16-byte packet record header");
        }
        final int p = position;
        final long seconds = buffer.getInt(p, order) & 0xFFFFFFFFL;
        final long fraction = buffer.getInt(p + 4, order) & 0xFFFFFFFFL;
        final long included = buffer.getInt(p + 8, order) & 0xFFFFFFFFL;
        final long original = buffer.getInt(p + 12, order) & 0xFFFFFFFFL;
        final long formatLimit = classicFormatLimit();
        if (included > formatLimit) {
            throw badLength(recordOffset, 1, "captured length " + included + " exceeds the limit of " + formatLimit
                    + " bytes (snap length " + classicSnapLen + ")");
        }
        if (included > original) {
            throw badLength(recordOffset, 1, "captured length " + included + " is larger than the original length "
                    + original);
        }
        if (16 + included > maxBufferBytes) {
            // a consistent record, just larger than this reader may buffer: step over it
            final long next = recordOffset + 16 + included;
            if (next > channel.size()) {
                throw truncated(recordOffset, "file ends inside a packet record of " + included + " captured bytes");
            }
            seek(next);
            throw new PcapFormatException(Kind.BAD_BLOCK_LENGTH, recordOffset, "packet record of " + included
                    + " captured bytes is larger than this reader's limit of " + maxBufferBytes + " bytes; skipped");
        }
        final int total = 16 + (int) included;
        final int got = ensure(total);
        if (got < total) {
            throw truncated(recordOffset, "file ends inside a packet record: " + (got - 16) + " of " + included
                    + " captured bytes present");
        }
        timestampNanos = seconds * NANOS_PER_SECOND + (classicNanos ? fraction : fraction * 1000);
        capturedLength = (int) included;
        originalLength = (int) Math.min(original, Integer.MAX_VALUE);
        linkType = classicLinkType;
        interfaceId = 0;
        fileOffset = recordOffset;
        dataOffset = position + 16;
        position += total;
        lastSeconds = seconds;
        return true;
    }

    /** The largest captured length a sound record of this file can have. */
    private long classicFormatLimit() {
        return Math.max(classicSnapLen & 0xFFFFFFFFL, CLASSIC_MAX_SNAPLEN);
    }

    private boolean nextPcapng() throws IOException {
        while (true) {
            final long blockOffset = position();
            final int have = ensure(8);
            if (have == 0) {
                ended = true;
                return false;
            }
            if (have < 8) {
                throw truncated(blockOffset, "file ends " + have + " bytes into a block header");
            }
            final int type = buffer.getInt(position, order);
            if (type == BLOCK_SHB) {
                readSectionHeader(blockOffset);
                continue;
            }
            final long length = buffer.getInt(position + 4, order) & 0xFFFFFFFFL;
            if (length < 12 || (length & 3) != 0) {
                throw badLength(blockOffset, 4, "block of type 0x" + Integer.toHexString(type) + " has total length "
                        + length + " (must be a multiple of 4 and at least 12)");
            }
            final boolean packet = type == BLOCK_EPB || type == BLOCK_SPB || type == BLOCK_OPB;
            if (length > maxBufferBytes) {
                skipLargeBlock(blockOffset, type, length); // checks the trailing length copy
                if (packet || type == BLOCK_IDB) {
                    throw new PcapFormatException(Kind.BAD_BLOCK_LENGTH, blockOffset, "block of type 0x"
                            + Integer.toHexString(type) + " of " + length + " bytes is larger than this reader's "
                            + "limit of " + maxBufferBytes + " bytes; skipped");
                }
                continue;
            }
            final int len = (int) length;
            final int got = ensure(len);
            if (got < len) {
                throw truncated(blockOffset, "file ends inside a block of type 0x" + Integer.toHexString(type)
                        + ": " + got + " of " + len + " bytes present");
            }
            final int trailer = buffer.getInt(position + len - 4, order);
            if (trailer != len) {
                throw badLength(blockOffset, 4, "block of type 0x" + Integer.toHexString(type) + " has total length "
                        + len + " at its start but " + (trailer & 0xFFFFFFFFL) + " at its end");
            }
            switch (type) {
                case BLOCK_EPB:
                case BLOCK_OPB:
                    if (readEnhancedPacket(blockOffset, type, len)) {
                        return true;
                    }
                    break;
                case BLOCK_SPB:
                    readSimplePacket(blockOffset, len);
                    return true;
                case BLOCK_IDB:
                    readInterface(blockOffset, len);
                    break;
                default:
                    position += len; // name resolution, statistics, custom, ...: not needed
                    break;
            }
        }
    }

    private boolean readEnhancedPacket(long blockOffset, int type, int len) {
        final int p = position;
        if (len < 32) {
            throw badLength(blockOffset, 4, (type == BLOCK_EPB ? "enhanced" : "obsolete") + " packet block of "
                    + len + " bytes is shorter than its 32-byte minimum");
        }
        final int ifId = type == BLOCK_EPB ? buffer.getInt(p + 8, order) : buffer.getShort(p + 8, order) & 0xFFFF;
        final long high = buffer.getInt(p + 12, order) & 0xFFFFFFFFL;
        final long low = buffer.getInt(p + 16, order) & 0xFFFFFFFFL;
        final long captured = buffer.getInt(p + 20, order) & 0xFFFFFFFFL;
        final long original = buffer.getInt(p + 24, order) & 0xFFFFFFFFL;
        if (captured > len - 32) {
            throw badLength(blockOffset, 4, "packet block of " + len + " bytes claims " + captured
                    + " captured bytes (room for " + (len - 32) + ")");
        }
        position += len;
        if (ifId < 0 || ifId >= interfaceCount) {
            throw new PcapFormatException(Kind.BAD_BLOCK, blockOffset, "packet block refers to interface "
                    + (ifId & 0xFFFFFFFFL) + " but the section has " + interfaceCount + " interface blocks; packet skipped");
        }
        timestampNanos = toNanos((high << 32) | low, ifId);
        capturedLength = (int) captured;
        originalLength = (int) Math.min(original, Integer.MAX_VALUE);
        linkType = ifLinkType[ifId];
        interfaceId = ifId;
        fileOffset = blockOffset;
        dataOffset = p + 28;
        return true;
    }

    private void readSimplePacket(long blockOffset, int len) {
        final int p = position;
        if (len < 16) {
            throw badLength(blockOffset, 4, "simple packet block of " + len + " bytes is shorter than 16");
        }
        position += len;
        if (interfaceCount == 0) {
            throw new PcapFormatException(Kind.BAD_BLOCK, blockOffset,
                    "simple packet block before any interface block; packet skipped");
        }
        final long original = buffer.getInt(p + 8, order) & 0xFFFFFFFFL;
        long captured = Math.min(original, len - 16);
        final long snap = ifSnapLen[0] & 0xFFFFFFFFL;
        if (snap != 0) {
            captured = Math.min(captured, snap);
        }
        timestampNanos = NO_TIMESTAMP;
        capturedLength = (int) captured;
        originalLength = (int) Math.min(original, Integer.MAX_VALUE);
        linkType = ifLinkType[0];
        interfaceId = 0;
        fileOffset = blockOffset;
        dataOffset = p + 12;
    }

    private void readInterface(long blockOffset, int len) {
        final int p = position;
        if (len < 20) {
            throw badLength(blockOffset, 4, "interface description block of " + len + " bytes is shorter than 20");
        }
        position += len;
        if (interfaceCount == MAX_INTERFACES) {
            throw new PcapFormatException(Kind.BAD_BLOCK, blockOffset, "more than " + MAX_INTERFACES
                    + " interface blocks in one section; block ignored");
        }
        if (interfaceCount == ifLinkType.length) {
            int n = interfaceCount * 2;
            ifLinkType = Arrays.copyOf(ifLinkType, n);
            ifSnapLen = Arrays.copyOf(ifSnapLen, n);
            ifResolPow2 = Arrays.copyOf(ifResolPow2, n);
            ifResolExponent = Arrays.copyOf(ifResolExponent, n);
            ifOffsetNanos = Arrays.copyOf(ifOffsetNanos, n);
        }
        final int id = interfaceCount++;
        ifLinkType[id] = buffer.getShort(p + 8, order) & 0xFFFF;
        ifSnapLen[id] = buffer.getInt(p + 12, order);
        ifResolPow2[id] = false;
        ifResolExponent[id] = 6; // default: microseconds
        ifOffsetNanos[id] = 0;
        int o = p + 16;
        final int end = p + len - 4;
        while (o + 4 <= end) {
            final int code = buffer.getShort(o, order) & 0xFFFF;
            final int optLen = buffer.getShort(o + 2, order) & 0xFFFF;
            if (code == 0) {
                break;
            }
            if (o + 4 + optLen > end) {
                throw new PcapFormatException(Kind.BAD_BLOCK, blockOffset + (o - p), "interface " + id + ": option "
                        + code + " of " + optLen + " bytes runs past the end of its block; later options ignored");
            }
            if (code == OPT_IF_TSRESOL && optLen >= 1) {
                final int v = buffer.getByte(o + 4) & 0xFF;
                final boolean pow2 = (v & 0x80) != 0;
                final int exponent = v & 0x7F;
                if (pow2 && exponent > 63) {
                    throw new PcapFormatException(Kind.BAD_BLOCK, blockOffset + (o - p), "interface " + id
                            + ": if_tsresol 2^-" + exponent + " is finer than this reader supports (2^-63); "
                            + "microseconds assumed");
                }
                ifResolPow2[id] = pow2;
                ifResolExponent[id] = exponent;
            } else if (code == OPT_IF_TSOFFSET && optLen >= 8) {
                ifOffsetNanos[id] = buffer.getLong(o + 4, order) * NANOS_PER_SECOND;
            }
            o += 4 + ((optLen + 3) & ~3);
        }
    }

    /** Converts a pcapng timestamp in the interface's units to ns since the epoch. */
    private long toNanos(long units, int ifId) {
        final int e = ifResolExponent[ifId];
        long nanos;
        if (ifResolPow2[ifId]) {
            if (e == 0) {
                nanos = units * NANOS_PER_SECOND;
            } else {
                final long seconds = units >>> e;
                final long fraction = units & ((1L << e) - 1);
                // fraction * 1e9 / 2^e without overflow: 128-bit product, shifted
                final long lo = fraction * NANOS_PER_SECOND;
                final long hi = Math.multiplyHigh(fraction, NANOS_PER_SECOND);
                final long fracNanos = e == 64 ? hi : (hi << (64 - e)) | (lo >>> e);
                nanos = seconds * NANOS_PER_SECOND + fracNanos;
            }
        } else if (e <= 9) {
            nanos = units * POW10[9 - e];
        } else if (e - 9 < POW10.length) {
            nanos = Long.divideUnsigned(units, POW10[e - 9]);
        } else {
            nanos = 0;
        }
        return nanos + ifOffsetNanos[ifId];
    }

    // ---------------------------------------------------------------- headers

    private void readFileHeader() throws IOException {
        final int have = ensure(4);
        if (have < 4) {
            throw new PcapFormatException(Kind.NOT_PCAP, 0, "file has " + have
                    + " bytes: too short for a pcap or pcapng header");
        }
        final int magicLe = buffer.getInt(0, ByteOrder.LITTLE_ENDIAN);
        final int magicBe = buffer.getInt(0, ByteOrder.BIG_ENDIAN);
        if (magicLe == BLOCK_SHB) {
            format = Format.PCAPNG;
            order = ByteOrder.LITTLE_ENDIAN;
            try {
                readSectionHeader(0);
            } catch (PcapFormatException e) {
                ended = true;
                throw e.kind() == Kind.BAD_HEADER ? e
                        : new PcapFormatException(Kind.BAD_HEADER, 0, "unusable pcapng section header: " + e.getMessage());
            }
            return;
        }
        if (magicLe == MAGIC_MICROS || magicLe == MAGIC_NANOS) {
            order = ByteOrder.LITTLE_ENDIAN;
        } else if (magicBe == MAGIC_MICROS || magicBe == MAGIC_NANOS) {
            order = ByteOrder.BIG_ENDIAN;
        } else {
            throw new PcapFormatException(Kind.NOT_PCAP, 0, String.format(
                    "not a capture file: found magic bytes %02x %02x %02x %02x, expected a pcap magic "
                            + "(a1b2c3d4 or a1b23c4d, either byte order) or a pcapng section header (0a0d0d0a)",
                    buffer.getByte(0), buffer.getByte(1), buffer.getByte(2), buffer.getByte(3)));
        }
        format = Format.PCAP;
        classicNanos = buffer.getInt(0, order) == MAGIC_NANOS;
        if (ensure(24) < 24) {
            throw new PcapFormatException(Kind.TRUNCATED, 0, "file ends inside the 24-byte pcap file header");
        }
        final int major = buffer.getShort(4, order) & 0xFFFF;
        if (major != 2) {
            throw new PcapFormatException(Kind.BAD_HEADER, 4, "pcap version " + major + "."
                    + (buffer.getShort(6, order) & 0xFFFF) + " is not supported (expected 2.x)");
        }
        classicSnapLen = buffer.getInt(16, order);
        classicLinkType = buffer.getInt(20, order) & 0xFFFF; // upper bits carry FCS information
        sections = 1;
        position = 24;
    }

    private void readSectionHeader(long blockOffset) throws IOException {
        final int have = ensure(12);
        if (have < 12) {
            throw truncated(blockOffset, "file ends " + have + " bytes into a section header block");
        }
        final int bom = buffer.getInt(position + 8, ByteOrder.LITTLE_ENDIAN);
        final ByteOrder sectionOrder;
        if (bom == BYTE_ORDER_MAGIC) {
            sectionOrder = ByteOrder.LITTLE_ENDIAN;
        } else if (Integer.reverseBytes(bom) == BYTE_ORDER_MAGIC) {
            sectionOrder = ByteOrder.BIG_ENDIAN;
        } else {
            throw badLength(blockOffset, 4, "section header block has byte-order magic 0x"
                    + Integer.toHexString(bom) + " (read little-endian), expected 1a2b3c4d in either byte order");
        }
        final long length = buffer.getInt(position + 4, sectionOrder) & 0xFFFFFFFFL;
        if (length < 28 || (length & 3) != 0 || length > maxBufferBytes) {
            throw badLength(blockOffset, 4, "section header block has total length " + length
                    + " (must be a multiple of 4, at least 28 and at most " + maxBufferBytes + ")");
        }
        final int len = (int) length;
        final int got = ensure(len);
        if (got < len) {
            throw truncated(blockOffset, "file ends inside a section header block: " + got + " of " + len
                    + " bytes present");
        }
        if (buffer.getInt(position + len - 4, sectionOrder) != len) {
            throw badLength(blockOffset, 4, "section header block has total length " + len + " at its start but "
                    + (buffer.getInt(position + len - 4, sectionOrder) & 0xFFFFFFFFL) + " at its end");
        }
        final int major = buffer.getShort(position + 12, sectionOrder) & 0xFFFF;
        if (major != 1) {
            position += len;
            ended = true; // a section we cannot read: its blocks may mean anything
            throw new PcapFormatException(Kind.BAD_HEADER, blockOffset, "pcapng section version " + major
                    + " is not supported (expected 1.x); reading stops");
        }
        order = sectionOrder;
        interfaceCount = 0;
        sections++;
        position += len;
    }

    // ---------------------------------------------------------------- errors and resynchronisation

    private PcapFormatException truncated(long offset, String detail) {
        ended = true;
        return new PcapFormatException(Kind.TRUNCATED, offset, detail + "; reading stops, all packets before it "
                + "were delivered");
    }

    /** A bad record: the next {@link #next()} scans forward from {@code offset + step} for a plausible record. */
    private PcapFormatException badLength(long offset, int step, String detail) {
        resyncing = true;
        resyncFrom = offset + step;
        return new PcapFormatException(Kind.BAD_BLOCK_LENGTH, offset, detail
                + "; skipping to the next plausible record");
    }

    /** Positions the reader at the next plausible record at or after {@link #resyncFrom}; false if none. */
    private boolean resync() throws IOException {
        seek(resyncFrom);
        final int step = format == Format.PCAP ? 1 : 4;
        while (true) {
            final int headerBytes = format == Format.PCAP ? 16 : 12;
            if (ensure(headerBytes) < headerBytes) {
                return false;
            }
            if (format == Format.PCAP ? plausibleClassicRecord() : plausibleBlock()) {
                resyncing = false;
                return true;
            }
            position += step;
        }
    }

    private boolean plausibleClassicRecord() throws IOException {
        final long limit = Math.min(classicFormatLimit(), maxBufferBytes - 32);
        if (!plausibleClassicHeader(position, limit)) {
            return false;
        }
        final int included = buffer.getInt(position + 8, order);
        final int total = 16 + included;
        final int got = ensure(total + 16);
        if (got == total && eof) {
            return true; // the last record of the file
        }
        if (got < total + 16) {
            return got >= total; // a following header cut short is reported as truncated later
        }
        return plausibleClassicHeader(position + total, limit);
    }

    private boolean plausibleClassicHeader(int p, long limit) {
        final long seconds = buffer.getInt(p, order) & 0xFFFFFFFFL;
        final long fraction = buffer.getInt(p + 4, order) & 0xFFFFFFFFL;
        final long included = buffer.getInt(p + 8, order) & 0xFFFFFFFFL;
        final long original = buffer.getInt(p + 12, order) & 0xFFFFFFFFL;
        if (fraction >= (classicNanos ? NANOS_PER_SECOND : 1_000_000)) {
            return false;
        }
        // zero-length records and a zero time are valid but are what runs of zero bytes look like
        if (included == 0 || seconds == 0 || included > limit || included > original
                || original > Math.max(limit, CLASSIC_MAX_SNAPLEN) * 4) {
            return false;
        }
        // a capture is continuous: the next record is within a day of the last good one
        return lastSeconds < 0 || Math.abs(seconds - lastSeconds) <= 86_400;
    }

    private boolean plausibleBlock() throws IOException {
        final int type = buffer.getInt(position, order);
        switch (type) {
            case BLOCK_SHB: case BLOCK_IDB: case BLOCK_OPB: case BLOCK_SPB: case BLOCK_NRB: case BLOCK_ISB:
            case BLOCK_EPB: case BLOCK_DSB: case BLOCK_CUSTOM: case BLOCK_CUSTOM_NOCOPY:
                break;
            default:
                return false;
        }
        ByteOrder o = order;
        if (type == BLOCK_SHB) {
            final int bom = buffer.getInt(position + 8, ByteOrder.LITTLE_ENDIAN);
            if (bom == BYTE_ORDER_MAGIC) {
                o = ByteOrder.LITTLE_ENDIAN;
            } else if (Integer.reverseBytes(bom) == BYTE_ORDER_MAGIC) {
                o = ByteOrder.BIG_ENDIAN;
            } else {
                return false;
            }
        }
        final long length = buffer.getInt(position + 4, o) & 0xFFFFFFFFL;
        if (length < 12 || (length & 3) != 0 || length > maxBufferBytes) {
            return false;
        }
        final int len = (int) length;
        if (ensure(len) < len) {
            return false;
        }
        return buffer.getInt(position + len - 4, o) == len;
    }

    private void skipLargeBlock(long blockOffset, int type, long length) throws IOException {
        final long end = blockOffset + length;
        if (end > channel.size()) {
            throw truncated(blockOffset, "file ends inside a block of type 0x" + Integer.toHexString(type)
                    + " of " + length + " bytes");
        }
        seek(end - 4);
        if (ensure(4) < 4 || (buffer.getInt(position, order) & 0xFFFFFFFFL) != length) {
            throw badLength(blockOffset, 4, "block of type 0x" + Integer.toHexString(type) + " has total length "
                    + length + " at its start but not at its end");
        }
        position += 4;
    }

    // ---------------------------------------------------------------- buffer

    /** Makes {@code n} bytes from the cursor available if the file has them; returns how many are. */
    private int ensure(int n) throws IOException {
        int have = bufferLength - position;
        if (have >= n) {
            return n;
        }
        if (n > byteBuffer.capacity()) {
            grow(n);
        } else if (position + n > byteBuffer.capacity()) {
            compact();
        }
        while (bufferLength - position < n && !eof) {
            byteBuffer.limit(byteBuffer.capacity()).position(bufferLength);
            final int read = channel.read(byteBuffer, bufferFileOffset + bufferLength);
            if (read < 0) {
                eof = true;
            } else {
                bufferLength += read;
            }
        }
        return Math.min(n, bufferLength - position);
    }

    private void compact() {
        byteBuffer.limit(bufferLength).position(position);
        byteBuffer.compact(); // handles the overlap
        bufferFileOffset += position;
        bufferLength -= position;
        position = 0;
    }

    private void grow(int n) {
        final int capacity = (int) Math.min(maxBufferBytes, Math.max((long) n, 2L * byteBuffer.capacity()));
        final ByteBuffer old = byteBuffer;
        old.limit(bufferLength).position(position);
        allocate(capacity);
        byteBuffer.put(old);
        bufferFileOffset += position;
        bufferLength -= position;
        position = 0;
    }

    private void allocate(int capacity) {
        byteBuffer = ByteBuffer.allocateDirect(capacity);
        buffer.wrap(byteBuffer);
    }

    private void seek(long fileOffset) {
        final long index = fileOffset - bufferFileOffset;
        if (index >= 0 && index <= bufferLength) {
            position = (int) index;
        } else {
            bufferFileOffset = fileOffset;
            bufferLength = 0;
            position = 0;
            eof = false;
        }
    }

    @Override
    public void close() {
        ended = true;
        try {
            channel.close();
        } catch (IOException ignored) {
            // read-only file: nothing was lost
        }
    }
}
